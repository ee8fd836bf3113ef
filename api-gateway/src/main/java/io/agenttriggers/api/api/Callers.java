package io.agenttriggers.api.api;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTrigger;
import io.agenttriggers.api.persistence.ApiKeyStore;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Who calls an API trigger: an {@code X-API-Key} of the trigger's tenant (scoped to the trigger when the key lists
 * triggers), or a configured {@code Authorization: Bearer} token with the admin or operator role over the tenant.
 * Credentials that are presented are always checked, even on triggers that need none.
 */
@ApplicationScoped
public class Callers {

    /** A verified caller; {@code rateLimit} is the key's own limit, if any. */
    public record Caller(String kind, String id, RateLimitSpec rateLimit) {
        static final Caller ANONYMOUS = new Caller("anonymous", null, null);
    }

    @Inject
    ApiKeyStore keys;

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    ApiGatewayConfig config;

    public Uni<Caller> of(ApiTrigger trigger, HttpHeaders headers) {
        String apiKey = headers.getHeaderString("X-API-Key");
        if (apiKey != null) {
            return byKey(trigger, apiKey.trim());
        }
        String authorization = headers.getHeaderString("Authorization");
        if (authorization != null) {
            return byToken(trigger);
        }
        if (trigger.authRequired()) {
            return Uni.createFrom().failure(unauthorized("missing_credentials",
                    "This trigger needs an X-API-Key or an Authorization: Bearer token"));
        }
        return Uni.createFrom().item(Caller.ANONYMOUS);
    }

    private Uni<Caller> byKey(ApiTrigger trigger, String presented) {
        return keys.lookup(presented).map(found -> {
            ApiKeyStore.ApiKey key = found.filter(k -> k.usable(OffsetDateTime.now())).orElseThrow(() ->
                    unauthorized("invalid_api_key", "The API key is unknown, revoked or expired"));
            if (!key.tenantId().equals(trigger.tenantId()) || !key.allows(trigger.id(), trigger.name())) {
                throw new ProblemException(403, "key_not_allowed", "Forbidden",
                        "The API key may not fire this trigger");
            }
            RateLimitSpec limit = key.rateLimit();
            if (limit == null && config.defaultKeyRatePerSecond() > 0) {
                limit = new RateLimitSpec(config.defaultKeyRatePerSecond(), Duration.ofSeconds(1), null);
            }
            return new Caller("api_key", key.id(), limit);
        });
    }

    private Uni<Caller> byToken(ApiTrigger trigger) {
        return identities.getDeferredIdentity()
                .onFailure().transform(e -> unauthorized("invalid_token", "The bearer token is not valid"))
                .map(identity -> {
                    if (identity.isAnonymous()) {
                        throw unauthorized("invalid_token", "Only Authorization: Bearer tokens are accepted");
                    }
                    if (!canFire(identity) || !TenantScope.allows(identity, trigger.tenantId())) {
                        throw new ProblemException(403, "token_not_allowed", "Forbidden",
                                "The token may not fire triggers of this tenant");
                    }
                    return new Caller("token", identity.getPrincipal().getName(), null);
                });
    }

    static boolean canFire(SecurityIdentity identity) {
        return identity.hasRole(Roles.ADMIN) || identity.hasRole(Roles.OPERATOR);
    }

    static ProblemException unauthorized(String code, String detail) {
        return new ProblemException(401, code, "Unauthorized", detail)
                .withHeader("WWW-Authenticate", "Bearer, ApiKey header=\"X-API-Key\"");
    }
}
