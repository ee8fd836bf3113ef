package io.agenttriggers.webhook.domain;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * An endpoint as the gateway serves it.
 *
 * @param secrets the secrets that verify now, current first (the previous one only within its grace period)
 */
public record Endpoint(String id, EndpointSpec spec, int version, String managedBy, List<String> secrets,
        OffsetDateTime previousSecretExpiresAt, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        CelFilter filter, Transformer transformer) {

    /** Compiles the spec's filter and transform (both were validated when the spec was stored). */
    public static Endpoint of(String id, EndpointSpec spec, int version, String managedBy, List<String> secrets,
            OffsetDateTime previousSecretExpiresAt, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        CelFilter filter = spec.filter() == null ? null : CelFilter.compile(spec.filter());
        Transformer transformer = spec.transform() == null ? null
                : Transformer.compile(spec.transform(), new java.util.ArrayList<>());
        return new Endpoint(id, spec, version, managedBy, secrets, previousSecretExpiresAt, createdAt, updatedAt,
                filter, transformer);
    }

    /**
     * Whether anything reads fields of the payload: a filter (CEL or GitHub's), a transform, a delivery id at a
     * JSONPath or in Stripe's body, or Slack's URL verification. When nothing does, a JSON body travels verbatim.
     */
    public boolean readsPayload() {
        AuthType auth = spec.auth().type();
        return filter != null || transformer != null || spec.github() != null || auth == AuthType.SLACK
                || auth == AuthType.GITHUB_APP
                || auth == AuthType.STRIPE || spec.dedup() != null && spec.dedup().jsonPath() != null;
    }

    public String tenantId() {
        return spec.tenantId();
    }

    public String source() {
        return "/webhooks/" + id;
    }
}
