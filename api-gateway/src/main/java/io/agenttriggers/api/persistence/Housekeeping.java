package io.agenttriggers.api.persistence;

import io.agenttriggers.common.ratelimit.RedisRateLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Produces the gateway's rate limiter, and purges expired idempotency claims (accepted-run records are
 * {@link AcceptedRunsRetention}'s).
 */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);
    private static final long EVERY_MS = 60_000;

    @Inject
    IdempotencyStore idempotency;

    @Inject
    Vertx vertx;

    private long timer = -1;

    @Produces
    @ApplicationScoped
    RedisRateLimiter apiRateLimiter(ReactiveRedisDataSource redis) {
        return new RedisRateLimiter(redis, "triggers:api:rate:");
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(EVERY_MS, id -> idempotency.purgeExpired()
                .subscribe().with(n -> { }, e -> LOG.debugf("Housekeeping failed: %s", e.toString())));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
