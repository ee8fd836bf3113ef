package io.agenttriggers.dispatcher.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The body of {@code POST {runtime}/v1/runs} (SPEC, "The agent runtime contract"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeRequest(String runId, String eventName, String triggerType, String tenantId, String focus,
        String workflowId, JsonNode payload, Map<String, Object> context) {
}
