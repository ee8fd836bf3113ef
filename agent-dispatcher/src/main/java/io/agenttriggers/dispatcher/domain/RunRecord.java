package io.agenttriggers.dispatcher.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.run.RunStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/** A run as the ledger holds it; also the JSON of {@code GET /api/v1/runs/{runId}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        String runId,
        String tenantId,
        String eventName,
        String triggerType,
        String source,
        String workflowId,
        String dedupKey,
        RunStatus status,
        String reason,
        String decisionMode,
        String agentRunId,
        JsonNode result,
        String error,
        BigDecimal costUsd,
        int llmCalls,
        int attempts,
        String originalRunId,
        String traceparent,
        OffsetDateTime eventTime,
        OffsetDateTime queuedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        Duration duration,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Attempt> attemptLog,
        @com.fasterxml.jackson.annotation.JsonIgnore boolean outcomePublished) {

    /** One call made for the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(int number, String path, OffsetDateTime startedAt, long durationMs, Integer statusCode,
            String errorClass, String error) {
    }

    public RunRecord withAttemptLog(List<Attempt> log) {
        return new RunRecord(runId, tenantId, eventName, triggerType, source, workflowId, dedupKey, status, reason, decisionMode,
                agentRunId, result, error, costUsd, llmCalls, attempts, originalRunId, traceparent, eventTime,
                queuedAt, startedAt, finishedAt, duration, log, outcomePublished);
    }
}
