package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What a sample delivery would do: whether its credentials verify, what it parses to, and the event (CloudEvent
 * attributes and data) that would be published. Nothing is published.
 *
 * @param outcome      {@code would_publish}, {@code filtered}, {@code handshake} or {@code rejected}
 * @param verification {@code {ok, status, code, detail}} of the credentials check
 * @param payload      the body as parsed
 * @param filter       {@code {matches, reason}} when the endpoint has a filter
 * @param transformed  the payload after the transform
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DryRunResult(String outcome, Map<String, Object> verification, JsonNode payload,
        Map<String, Object> filter, JsonNode transformed, String deliveryId, Map<String, String> handshake,
        Map<String, Object> event, Map<String, Object> problem) {
}
