package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/endpoints/{id}/test}: a sample delivery. {@code body} is the raw body as a string,
 * or any JSON value (sent as JSON). Headers are used as given, so a captured delivery's signature is checked too.
 */
public record DryRunRequest(JsonNode body, Map<String, String> headers) {
}
