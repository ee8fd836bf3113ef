package io.agenttriggers.dispatcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/** What the runtime answers for a run: {@code 200 {agentRunId, status, result, costUsd, llmCalls}}. */
public record RuntimeAnswer(String agentRunId, String status, JsonNode result, BigDecimal costUsd, Integer llmCalls,
        String error) {

    public boolean succeeded() {
        return "succeeded".equals(status) || "completed".equals(status);
    }

    public boolean failed() {
        return "failed".equals(status) || "error".equals(status) || "cancelled".equals(status);
    }
}
