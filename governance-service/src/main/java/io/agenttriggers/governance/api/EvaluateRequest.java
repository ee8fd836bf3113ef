package io.agenttriggers.governance.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A sample event for a dry run: the attributes policies match on, and the payload and headers conditions and keys
 * may read. {@code source} defaults to {@code /manual/{eventName}}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record EvaluateRequest(String tenantId, String triggerType, String eventName, String source, String focus,
        String dedupKey, JsonNode payload, Map<String, String> headers, String workflowId) {
}
