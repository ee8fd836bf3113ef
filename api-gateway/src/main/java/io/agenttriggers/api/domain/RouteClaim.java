package io.agenttriggers.api.domain;

import java.util.Locale;

/**
 * A tenant's claim on the requests of one method and path template, and which claims may be served side by side.
 * Within a tenant the more specific template wins (the tenant chose its own precedence), so only an identical shape
 * conflicts. Across tenants any overlap conflicts: the route table prefers literals, so {@code /orders/42} of one
 * tenant would otherwise take the requests another tenant's callers send to its {@code /orders/{id}}.
 */
public record RouteClaim(String tenantId, String method, PathTemplate template) {

    public RouteClaim {
        method = method.toUpperCase(Locale.ROOT);
    }

    public static RouteClaim of(ApiTrigger trigger) {
        return new RouteClaim(trigger.tenantId(), trigger.method(), trigger.template());
    }

    /** The claim of a registration that compiled (its path parses). */
    public static RouteClaim of(ApiTriggerSpec spec) {
        return new RouteClaim(spec.tenantId(), spec.methodOrDefault(), PathTemplate.parse(spec.path()));
    }

    /** Whether the two claims may not both be served. */
    public boolean conflictsWith(RouteClaim other) {
        if (!method.equals(other.method)) {
            return false;
        }
        if (sameTenant(other)) {
            return template.shape().equals(other.template.shape());
        }
        return template.overlaps(other.template);
    }

    public boolean sameTenant(RouteClaim other) {
        return tenantId.equals(other.tenantId);
    }
}
