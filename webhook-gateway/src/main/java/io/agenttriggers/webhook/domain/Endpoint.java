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

    public String tenantId() {
        return spec.tenantId();
    }

    public String source() {
        return "/webhooks/" + id;
    }
}
