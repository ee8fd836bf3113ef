package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an endpoint's delivery id comes from, when the provider's own (X-GitHub-Delivery, webhook-id, Stripe's event
 * id, X-Shopify-Webhook-Id) is not the one wanted: a header, or a JSONPath into the parsed body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DedupSpec(String header, String jsonPath) {
}
