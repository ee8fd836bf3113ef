package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.run.RunStatus;
import java.time.Instant;

/** What an alert rule learns from one run outcome. */
public record Observation(String runId, RunStatus status, long durationMs, Instant finishedAt) {

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
