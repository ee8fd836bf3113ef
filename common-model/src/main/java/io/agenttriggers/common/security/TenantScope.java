package io.agenttriggers.common.security;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.Optional;
import java.util.Set;

/** What tenants a management caller may see: a tenant never sees another tenant's data. */
public final class TenantScope {

    private TenantScope() {
    }

    /**
     * The caller's tenants, or empty when it may see every tenant ({@code *}). An identity without the attribute
     * sees no tenant at all: a scope that went missing denies rather than allows.
     */
    @SuppressWarnings("unchecked")
    public static Optional<Set<String>> restriction(SecurityIdentity identity) {
        Object attribute = identity == null ? null : identity.getAttribute(Roles.TENANTS_ATTRIBUTE);
        if (!(attribute instanceof Set<?> tenants)) {
            return Optional.of(Set.of());
        }
        if (tenants.contains("*")) {
            return Optional.empty();
        }
        return Optional.of((Set<String>) tenants);
    }

    public static boolean allows(SecurityIdentity identity, String tenantId) {
        return restriction(identity).map(t -> tenantId != null && t.contains(tenantId)).orElse(true);
    }

    /** Throws 403 unless the caller may see the tenant. */
    public static void check(SecurityIdentity identity, String tenantId) {
        if (!allows(identity, tenantId)) {
            throw new ForbiddenException("tenant outside the token's scope");
        }
    }
}
