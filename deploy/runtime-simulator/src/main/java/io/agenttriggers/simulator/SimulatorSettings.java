package io.agenttriggers.simulator;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * How the simulated runtime behaves; changeable while it runs with {@code PUT /v1/config}.
 *
 * @param latencyMs         time before answering a POST
 * @param latencyJitterMs   extra random latency, uniformly 0..this
 * @param failureRatio      share of POSTs answered with {@code failureStatus}
 * @param failureStatus     status of those failures (e.g. 500, 503, 429, 400)
 * @param retryAfterSeconds Retry-After sent with failures, when set
 * @param mode              {@code sync} answers 200 with the result; {@code async} answers 202 + Location to poll
 * @param asyncCompletionMs how long an async run stays {@code running}
 * @param costUsd           cost reported per run
 * @param llmCalls          LLM calls reported per run
 */
public record SimulatorSettings(
        @Min(0) @Max(600_000) long latencyMs,
        @Min(0) @Max(600_000) long latencyJitterMs,
        @DecimalMin("0") @DecimalMax("1") double failureRatio,
        @Min(400) @Max(599) int failureStatus,
        @Min(0) @Max(3600) Integer retryAfterSeconds,
        @Pattern(regexp = "sync|async") String mode,
        @Min(0) @Max(3_600_000) long asyncCompletionMs,
        @DecimalMin("0") double costUsd,
        @Min(0) int llmCalls) {

    public static SimulatorSettings defaults() {
        return new SimulatorSettings(20, 0, 0.0, 500, null, "sync", 200, 0.0021, 1);
    }
}
