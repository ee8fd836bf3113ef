package io.agenttriggers.api.persistence;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Confirmation tokens of manual triggers, in Redis with their time to live. A token is single use: redeeming it
 * deletes it atomically (GETDEL), so a replayed or expired token finds nothing.
 */
@ApplicationScoped
public class ConfirmationStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "triggers:api:confirm:";

    @Inject
    ReactiveRedisDataSource redis;

    /** Stores what the token confirms (opaque text) and answers the token. */
    public Uni<String> issue(String value, Duration ttl) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        String token = "ct_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return redis.execute("SET", PREFIX + token, value, "PX", Long.toString(ttl.toMillis()), "NX")
                .replaceWith(token);
    }

    /** What the token confirmed, once; empty when it is unknown, expired or already used. */
    public Uni<Optional<String>> redeem(String token) {
        if (token == null || !token.startsWith("ct_") || token.length() > 64) {
            return Uni.createFrom().item(Optional.empty());
        }
        return redis.execute("GETDEL", PREFIX + token)
                .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()));
    }
}
