package io.agenttriggers.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * The terminal result of a run, published once to {@code triggers.outcomes}
 * (schema {@code schemas/run-outcome.schema.json}).
 *
 * @param runId         the run (= trigger event id)
 * @param tenantId      owning tenant
 * @param eventName     business event name
 * @param triggerType   trigger type of the originating event ({@code api}, {@code webhook}, ...)
 * @param status        a terminal status
 * @param reason        why it ended so (a rejection reason, an error class), if anything
 * @param decisionMode  {@code agent} or {@code fallback}: the path that ran, when one ran
 * @param result        what the agent or fallback answered
 * @param error         error summary for failed or dead-lettered runs
 * @param costUsd       cost reported by the runtime
 * @param llmCalls      LLM calls reported by the runtime
 * @param attempts      attempts made against the runtime
 * @param duration      from the dispatcher's start to the terminal state
 * @param originalRunId for duplicates, the run that holds the dedup key
 * @param retryAfter    for rejections that can clear (rate limits, budgets, open circuits), when to try again
 * @param finishedAt    when the terminal state was recorded
 * @param source        the originating event's source (a webhook endpoint's path, {@code /cron/{id}}, ...), if known
 * @param workflowId    the deployed workflow the run belongs to (the event's {@code workflowid}), if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunOutcome(
        String runId,
        String tenantId,
        String eventName,
        String triggerType,
        RunStatus status,
        String reason,
        String decisionMode,
        JsonNode result,
        String error,
        BigDecimal costUsd,
        int llmCalls,
        int attempts,
        Duration duration,
        String originalRunId,
        Duration retryAfter,
        OffsetDateTime finishedAt,
        String source,
        String workflowId) {

    public RunOutcome {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finishedAt, "finishedAt");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("an outcome needs a terminal status, not " + status.wire());
        }
        if (llmCalls < 0 || attempts < 0) {
            throw new IllegalArgumentException("llmCalls and attempts cannot be negative");
        }
    }

    /** An outcome that does not say where its event came from. */
    public RunOutcome(String runId, String tenantId, String eventName, String triggerType, RunStatus status,
            String reason, String decisionMode, JsonNode result, String error, BigDecimal costUsd, int llmCalls,
            int attempts, Duration duration, String originalRunId, Duration retryAfter, OffsetDateTime finishedAt) {
        this(runId, tenantId, eventName, triggerType, status, reason, decisionMode, result, error, costUsd, llmCalls,
                attempts, duration, originalRunId, retryAfter, finishedAt, null, null);
    }
}
