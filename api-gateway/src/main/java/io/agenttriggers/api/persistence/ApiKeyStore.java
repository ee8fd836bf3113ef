package io.agenttriggers.api.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys (table {@code api.api_keys}). A key is {@code atk_} + 256 random bits; only its SHA-256 is stored, so the
 * key itself is shown once, at creation. Lookups are cached for a second (unknown keys too, so a flood of bad keys
 * does not reach the database); a revocation made here is effective at once, elsewhere within that second.
 */
@ApplicationScoped
public class ApiKeyStore {

    public static final String PREFIX = "atk_";
    private static final long CACHE_NANOS = 1_000_000_000L;
    private static final int MAX_CACHED = 20_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, tenant_id, name, key_prefix, triggers, rate_limit::text as rate_limit, "
            + "expires_at, revoked_at, created_at";

    /** An API key as stored (never the key). */
    public record ApiKey(String id, String tenantId, String name, String keyPrefix, List<String> triggers,
            RateLimitSpec rateLimit, OffsetDateTime expiresAt, OffsetDateTime revokedAt, OffsetDateTime createdAt) {

        public boolean usable(OffsetDateTime now) {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
        }

        /** Whether the key may fire the trigger (no list = every trigger of its tenant). */
        public boolean allows(String triggerId, String triggerName) {
            return triggers == null || triggers.isEmpty() || triggers.contains(triggerId)
                    || triggers.contains(triggerName);
        }
    }

    /** A new key: the stored form and the key itself, shown once. */
    public record Created(ApiKey apiKey, String key) {
    }

    private record Cached(Optional<ApiKey> key, long expiresAt) {
    }

    @Inject
    Pool pool;

    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public Uni<Created> create(String tenantId, String name, List<String> triggers, RateLimitSpec rateLimit,
            OffsetDateTime expiresAt) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID id = UUID.fromString(RunIds.next());
        return pool.preparedQuery("insert into api.api_keys (id, tenant_id, name, key_hash, key_prefix, triggers, "
                        + "rate_limit, expires_at) values ($1, $2, $3, $4, $5, $6, cast(cast($7 as text) as jsonb), $8) "
                        + "returning " + COLUMNS)
                .execute(Tuple.tuple().addUUID(id).addString(tenantId).addString(name)
                        .addValue(Buffer.buffer(hash(key))).addString(key.substring(0, PREFIX.length() + 6))
                        .addArrayOfString(triggers == null ? null : triggers.toArray(String[]::new))
                        .addString(rateLimit == null ? null : EventJson.write(rateLimit)).addOffsetDateTime(expiresAt))
                .map(rows -> new Created(map(rows.iterator().next()), key));
    }

    /** The key's record when the presented key is known (usable or not). */
    public Uni<Optional<ApiKey>> lookup(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
            return Uni.createFrom().item(Optional.empty());
        }
        byte[] hash = hash(presented);
        String cacheKey = Base64.getEncoder().encodeToString(hash);
        Cached c = cache.get(cacheKey);
        long now = System.nanoTime();
        if (c != null && c.expiresAt() - now > 0) {
            return Uni.createFrom().item(c.key());
        }
        return pool.preparedQuery("select " + COLUMNS + " from api.api_keys where key_hash = $1")
                .execute(Tuple.of(Buffer.buffer(hash)))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKey>empty() : Optional.of(map(rows.iterator().next())))
                .invoke(found -> {
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    cache.put(cacheKey, new Cached(found, now + CACHE_NANOS));
                });
    }

    public Uni<Optional<ApiKey>> find(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("select " + COLUMNS + " from api.api_keys where id = $1").execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKey>empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<List<ApiKey>> list(Optional<Set<String>> tenants, String tenantId, String afterId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from api.api_keys")
                .eq("tenant_id", tenantId)
                .in("tenant_id", tenants)
                .page("id", afterId == null ? null : UUID.fromString(afterId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<ApiKey> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    /** Revokes the key (idempotent); the record stays for the audit trail. */
    public Uni<Optional<ApiKey>> revoke(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("update api.api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 "
                        + "returning " + COLUMNS)
                .execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKey>empty() : Optional.of(map(rows.iterator().next())))
                .invoke(found -> cache.clear());
    }

    private static ApiKey map(Row r) {
        String[] triggers = r.getArrayOfStrings("triggers");
        String rate = r.getString("rate_limit");
        return new ApiKey(r.getUUID("id").toString(), r.getString("tenant_id"), r.getString("name"),
                r.getString("key_prefix"), triggers == null ? null : List.of(triggers),
                rate == null ? null : EventJson.read(rate, RateLimitSpec.class), r.getOffsetDateTime("expires_at"),
                r.getOffsetDateTime("revoked_at"), r.getOffsetDateTime("created_at"));
    }



    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
