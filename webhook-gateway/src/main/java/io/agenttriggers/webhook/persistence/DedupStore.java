package io.agenttriggers.webhook.persistence;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Remembers delivery ids per endpoint in Redis for the dedup window: the first delivery claims the id with its run
 * id, a repeat gets the original run id. If Redis is unreachable the delivery goes through (fail-open): the
 * dispatcher's ledger still runs a dedup key at most once.
 */
@ApplicationScoped
public class DedupStore {

    private static final Logger LOG = Logger.getLogger(DedupStore.class);
    /** Deletes the claim only if it still holds our run id. */
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) else return 0 end";

    @Inject
    ReactiveRedisDataSource redis;

    /** Empty when the claim is ours (or Redis is down); the original run id when the delivery was seen before. */
    public Uni<Optional<String>> claim(String endpointId, String deliveryId, String runId, Duration window) {
        String key = key(endpointId, deliveryId);
        return redis.execute("SET", key, runId, "NX", "GET", "PX", Long.toString(window.toMillis()))
                .map(previous -> previous == null ? Optional.<String>empty() : Optional.of(previous.toString()))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Redis unavailable for webhook dedup (%s); accepting the delivery", e.toString());
                    return Optional.empty();
                });
    }

    /** Releases a claim whose event could not be made durable, so the sender's retry is not taken for a repeat. */
    public Uni<Void> release(String endpointId, String deliveryId, String runId) {
        return redis.execute("EVAL", RELEASE, "1", key(endpointId, deliveryId), runId)
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private static String key(String endpointId, String deliveryId) {
        return "triggers:webhook:dedup:" + endpointId + ":" + deliveryId;
    }
}
