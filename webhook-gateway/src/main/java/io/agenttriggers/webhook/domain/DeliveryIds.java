package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.function.UnaryOperator;

/**
 * Finds a delivery's id, which makes a repeated delivery recognisable: the endpoint's configured header or JSONPath
 * first, then the provider's own (X-GitHub-Delivery, webhook-id, X-Shopify-Webhook-Id, Stripe's event id).
 */
public final class DeliveryIds {

    static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    /** Longest delivery id taken as is. */
    static final int MAX_LENGTH = 256;

    private DeliveryIds() {
    }

    /** The delivery id, or null when the request carries none. */
    public static String of(EndpointSpec spec, UnaryOperator<String> header, JsonNode payload) {
        DedupSpec dedup = spec.dedup();
        if (dedup != null) {
            if (dedup.header() != null) {
                return clean(header.apply(dedup.header()));
            }
            if (dedup.jsonPath() != null && payload != null && !payload.isNull()) {
                JsonNode found = JsonPath.using(JSON_PATH).parse(payload).read(dedup.jsonPath());
                return found == null || found.isNull() || found.isMissingNode() || found.isContainerNode() ? null
                        : clean(found.asText());
            }
        }
        return switch (spec.auth().type()) {
            case GITHUB, GITHUB_APP -> clean(header.apply("X-GitHub-Delivery"));
            case STANDARD_WEBHOOKS -> clean(header.apply("webhook-id"));
            case SHOPIFY -> clean(header.apply("X-Shopify-Webhook-Id"));
            case STRIPE -> payload != null && payload.path("id").isTextual() ? clean(payload.get("id").asText()) : null;
            default -> null;
        };
    }

    private static String clean(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        String trimmed = id.trim();
        return trimmed.length() > MAX_LENGTH ? trimmed.substring(0, MAX_LENGTH) : trimmed;
    }
}
