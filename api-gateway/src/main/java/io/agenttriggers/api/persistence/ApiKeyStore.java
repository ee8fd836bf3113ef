package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.cache.LookupCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
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

/**
 * API keys (table {@code api.api_keys}). A key is {@code atk_} + 256 random bits; only its SHA-256 is stored, so the
 * key itself is shown once, at creation. Lookups are cached for {@code api-key-cache-ttl} (a second); a revocation
 * made here is effective at once, elsewhere within that time.
 *
 * <p>Keys are presented by anyone on any public trigger path, before any rate limit, so the cache is built not to be
 * theirs to fill: a key not shaped like the generator's answers "unknown" without a lookup; known keys and unknown
 * hashes live in two bounded quarkus-cache (Caffeine, TinyLFU eviction) caches, so made-up keys can only evict other
 * made-up keys; and concurrent misses for one key share one database read.
 */
@ApplicationScoped
public class ApiKeyStore {

    public static final String PREFIX = "atk_";
    /** Random bytes in a key: 32, encoded as 43 characters of unpadded base64url. */
    private static final int KEY_BYTES = 32;
    private static final int KEY_LENGTH = PREFIX.length() + (KEY_BYTES * 8 + 5) / 6;
    private static final Optional<ApiKey> UNKNOWN = Optional.empty();
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

    @Inject
    Pool pool;

    @Inject
    ApiGatewayConfig gateway;

    @Inject
    MeterRegistry registry;

    @Inject
    @CacheName("api-keys")
    Cache known;

    @Inject
    @CacheName("api-unknown-keys")
    Cache unknown;

    /** Keys by the hash of what was presented; see {@link LookupCache}. */
    private LookupCache<ApiKey> keys;

    @PostConstruct
    void init() {
        keys = new LookupCache<>(known, unknown, gateway.apiKeyCacheSize(), gateway.apiKeyNegativeCacheSize(),
                gateway.apiKeyCacheTtl(),
                Counter.builder("api_key_cache_loads_total").description("API-key lookups that went to the database")
                        .register(registry));
    }

    public Uni<Created> create(String tenantId, String name, List<String> triggers, RateLimitSpec rateLimit,
            OffsetDateTime expiresAt) {
        byte[] random = new byte[KEY_BYTES];
        RANDOM.nextBytes(random);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID id = UUID.fromString(RunIds.next());
        // Only active keys count: a revoked or expired key can never work again, and revoking is how a slot frees.
        TenantQuota quota = new TenantQuota("api.api_keys", "active API keys",
                "select count(*) from api.api_keys where tenant_id = $1 and revoked_at is null "
                        + "and (expires_at is null or expires_at > now())",
                gateway.maxApiKeysPerTenant(), "triggers.api-gateway.max-api-keys-per-tenant");
        return pool.withTransaction(tx -> quota.check(tx, tenantId)
                .chain(() -> tx.preparedQuery("insert into api.api_keys (id, tenant_id, name, key_hash, key_prefix, "
                                + "triggers, rate_limit, expires_at) values ($1, $2, $3, $4, $5, $6, "
                                + "cast(cast($7 as text) as jsonb), $8) returning " + COLUMNS)
                        .execute(Tuple.tuple().addUUID(id).addString(tenantId).addString(name)
                                .addValue(Buffer.buffer(hash(key))).addString(key.substring(0, PREFIX.length() + 6))
                                .addArrayOfString(triggers == null ? null : triggers.toArray(String[]::new))
                                .addString(rateLimit == null ? null : EventJson.write(rateLimit))
                                .addOffsetDateTime(expiresAt))))
                .map(rows -> new Created(map(rows.iterator().next()), key));
    }

    /** The key's record when the presented key is known (usable or not). */
    public Uni<Optional<ApiKey>> lookup(String presented) {
        if (!wellFormed(presented)) {
            return Uni.createFrom().item(UNKNOWN);
        }
        byte[] hash = hash(presented);
        return keys.get(cacheKey(hash), k -> load(hash));
    }

    private Uni<Optional<ApiKey>> load(byte[] hash) {
        return pool.preparedQuery("select " + COLUMNS + " from api.api_keys where key_hash = $1")
                .execute(Tuple.of(Buffer.buffer(hash)))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKey>empty() : Optional.of(map(rows.iterator().next())));
    }

    /**
     * Whether {@code presented} has the shape of a generated key: the prefix, then exactly the 43 characters unpadded
     * base64url gives 32 bytes, the last of which carries only four bits (so only every fourth character of the
     * alphabet can end it).
     */
    static boolean wellFormed(String presented) {
        if (presented == null || presented.length() != KEY_LENGTH || !presented.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < KEY_LENGTH; i++) {
            if (base64Url(presented.charAt(i)) < 0) {
                return false;
            }
        }
        return (base64Url(presented.charAt(KEY_LENGTH - 1)) & 0b11) == 0;
    }

    /** The value of a base64url character, or -1. */
    private static int base64Url(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }

    private static String cacheKey(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
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
                .invoke(found -> found.ifPresent(revoked -> forget(revoked.id())));
    }

    /**
     * Drops the cached record of key {@code id}, and every load in flight (which may have read it before the change);
     * Caffeine then stores none of their results. Other keys stay cached.
     */
    private void forget(String id) {
        keys.invalidateIf(key -> key.id().equals(id));
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
