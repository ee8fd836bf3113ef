package io.agenttriggers.dispatcher.persistence;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The Redis side of the idempotency claim: {@code (tenant, dedup key)} → the run that holds it, with the idempotency
 * window as its TTL. It is claimed with one {@code SET … NX PX … GET} alongside the ledger's claim (same moment, no
 * added round trip on a run's path); the ledger's unique constraint stays the authority, and Redis is brought in
 * line with it when they disagree (a Redis restart without persistence, an eviction, a key that outlived the ledger's
 * window). Redis being unreachable never stops a run: the ledger alone decides, and the failure is counted.
 *
 * <p>Keys are {@value #PREFIX} + the SHA-256 of tenant and key (dedup keys are caller-chosen and unbounded in
 * shape; the hash keeps keys short). Values are run ids.
 */
@ApplicationScoped
public class RedisClaims {

    public static final String PREFIX = "triggers:dispatch:claim:";
    private static final Logger LOG = Logger.getLogger(RedisClaims.class);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    MeterRegistry registry;

    private ReactiveValueCommands<String, String> values;

    @PostConstruct
    void init() {
        values = redis.value(String.class, String.class);
    }

    /** What Redis answered to a claim: whether it was taken now, and who held it otherwise (empty: Redis failed). */
    public record Held(boolean taken, String holder, boolean answered) {
        static final Held UNKNOWN = new Held(false, null, false);
    }

    /** Claims the key for {@code runId} unless someone holds it; answers the holder. Never fails. */
    public Uni<Held> claim(String tenantId, String dedupKey, String runId, Duration window) {
        return values.setGet(keyOf(tenantId, dedupKey), runId, new SetArgs().nx().px(window))
                .map(previous -> previous == null ? new Held(true, runId, true) : new Held(false, previous, true))
                .onFailure().recoverWithItem(e -> {
                    registry.counter("dispatcher_redis_claim_errors_total").increment();
                    LOG.debugf("Redis claim not made (%s); the ledger decides alone", e.toString());
                    return Held.UNKNOWN;
                });
    }

    /**
     * Brings Redis in line with the ledger's owner of the key, when Redis answered someone else (or took the key for a
     * run the ledger made a duplicate). Counted by what was wrong; never fails.
     */
    public Uni<Void> reconcile(String tenantId, String dedupKey, String runId, Held held, String owner,
            Duration window) {
        if (!held.answered() || owner.equals(held.holder())) {
            return Uni.createFrom().voidItem();
        }
        // Redis took the key for this run although the ledger has an earlier owner: Redis had lost it.
        // Redis named another run although the ledger made this one the owner: Redis kept a stale key.
        String kind = held.taken() ? "redis_missing" : "redis_stale";
        registry.counter("dispatcher_claim_disagreements_total", "kind", kind).increment();
        LOG.debugf("Redis claim of run %s disagreed with the ledger (%s, owner %s); corrected", runId, kind, owner);
        return values.set(keyOf(tenantId, dedupKey), owner, new SetArgs().px(window))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** The holder Redis knows for the key, if any (operators and tests). */
    public Uni<Optional<String>> holder(String tenantId, String dedupKey) {
        return values.get(keyOf(tenantId, dedupKey)).map(Optional::ofNullable);
    }

    /** The Redis key of a claim. */
    public static String keyOf(String tenantId, String dedupKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tenantId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(dedupKey.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
