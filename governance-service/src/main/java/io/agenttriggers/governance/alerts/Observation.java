package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.run.RunStatus;
import java.time.Instant;

/**
 * What an alert rule learns from one run outcome: its status and duration, and for circuit rules the breaker state
 * the outcome moved it to ({@code open}, {@code half_open}, {@code closed}; null otherwise).
 */
public record Observation(String runId, RunStatus status, long durationMs, Instant finishedAt, String circuit) {

    public Observation(String runId, RunStatus status, long durationMs, Instant finishedAt) {
        this(runId, status, durationMs, finishedAt, null);
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
