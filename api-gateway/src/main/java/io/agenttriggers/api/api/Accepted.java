package io.agenttriggers.api.api;

/** The answer to an async trigger: the run id to poll and {@code accepted}. */
public record Accepted(String runId, String status) {
}
