package io.agenttriggers.common.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * GCRA rate limiting in Redis: one atomic script per request, Redis' own clock, so every replica shares the limit
 * exactly. When Redis is unreachable requests pass (fail-open) and the event is still governed downstream.
 * A plain class (not a bean): services that have Redis produce one with their key prefix.
 */
public final class RedisRateLimiter {

    private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class);

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

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;

    /** {@code keyPrefix} names the service's keys, e.g. {@code triggers:webhook:rate:}. */
    public RedisRateLimiter(ReactiveRedisDataSource redis, String keyPrefix) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    /** Empty when the request may pass; otherwise how long until it would. */
    public Uni<Optional<Duration>> acquire(String key, RateLimitSpec limit) {
        long emission = limit.emissionMillis();
        long tolerance = emission * (limit.burstOrDefault() - 1L);
        return redis.execute("EVAL", GCRA, "1", keyPrefix + key, Long.toString(emission), Long.toString(tolerance))
                .map(r -> r.get(0).toLong() == 1 ? Optional.<Duration>empty()
                        : Optional.of(Duration.ofMillis(Math.max(1, r.get(1).toLong()))))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Redis unavailable for rate limiting (%s); letting the request pass", e.toString());
                    return Optional.empty();
                });
    }
}
