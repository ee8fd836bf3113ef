package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.run.RunStatus;
import java.time.Instant;

/**
 * What an alert rule learns from one run outcome: its status and duration, and for circuit rules the breaker state
 * the outcome moved it to ({@code open}, {@code half_open}, {@code closed}; null otherwise); or from one signal of
 * another service (a cron misfire, verification failures, the runtime breaker), with its count and detail; or a
 * quota's or budget's use today as a share of its limit ({@code value}).
 */
public record Observation(String runId, RunStatus status, long durationMs, Instant finishedAt, String circuit,
        long count, String detail, double value) {

    public Observation(String runId, RunStatus status, long durationMs, Instant finishedAt) {
        this(runId, status, durationMs, finishedAt, null, 1, null, 0);
    }

    public Observation(String runId, RunStatus status, long durationMs, Instant finishedAt, String circuit) {
        this(runId, status, durationMs, finishedAt, circuit, 1, null, 0);
    }

    /**
     * A signal of another service (no run): {@code count} occurrences seen by {@code at}; {@code state} is
     * {@code open} or {@code closed} for signals that open and close something (the runtime breaker).
     */
    static Observation signal(Instant at, long count, String detail, String state) {
        return new Observation(null, null, 0, at, state, count, detail, 0);
    }

    /** A quota's or budget's use at {@code at}: {@code share} of the day's limit, described by {@code detail}. */
    static Observation usage(Instant at, double share, String detail) {
        return new Observation(null, null, 0, at, null, 0, detail, share);
    }

    public boolean failed() {
        return status == RunStatus.FAILED || status == RunStatus.DEAD_LETTERED;
    }

    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED || status == RunStatus.FALLBACK_SUCCEEDED;
    }

    /** Whether a run ran at all (rejections and duplicates never reached the runtime). */
    public boolean ran() {
        return failed() || succeeded();
    }
}
