package io.agenttriggers.webhook.persistence;

import io.agenttriggers.webhook.domain.RateLimitSpec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * GCRA rate limiting in Redis: one atomic script per request, Redis' own clock, so every replica shares the limit
 * exactly. When Redis is unreachable requests pass (fail-open) and the event is still governed downstream.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    /** KEYS[1] = key; ARGV[1] = emission interval ms; ARGV[2] = tolerance ms. Returns {allowed, retryAfterMs}. */
    private static final String GCRA = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local emission = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local newTat = tat + emission
            local allowAt = newTat - emission - tolerance
            if allowAt > now then
              return {0, allowAt - now}
            end
            redis.call('SET', KEYS[1], newTat, 'PX', newTat - now + 1000)
            return {1, 0}
            """;

    @Inject
    ReactiveRedisDataSource redis;

    /** Empty when the request may pass; otherwise how long until it would. */
    public Uni<Optional<Duration>> acquire(String key, RateLimitSpec limit) {
        long emission = limit.emissionMillis();
        long tolerance = emission * (limit.burstOrDefault() - 1L);
        return redis.execute("EVAL", GCRA, "1", "triggers:webhook:rate:" + key, Long.toString(emission),
                        Long.toString(tolerance))
                .map(r -> r.get(0).toLong() == 1 ? Optional.<Duration>empty()
                        : Optional.of(Duration.ofMillis(Math.max(1, r.get(1).toLong()))))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Redis unavailable for webhook rate limiting (%s); letting the request pass",
                            e.toString());
                    return Optional.empty();
                });
    }
}
