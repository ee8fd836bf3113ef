package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.ratelimit.RedisRateLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The webhook gateway's rate limiter: the shared Redis GCRA under the webhook's key prefix. */
public class RateLimiterProducer {

    @Produces
    @ApplicationScoped
    RedisRateLimiter webhookRateLimiter(ReactiveRedisDataSource redis) {
        return new RedisRateLimiter(redis, "triggers:webhook:rate:");
    }
}
