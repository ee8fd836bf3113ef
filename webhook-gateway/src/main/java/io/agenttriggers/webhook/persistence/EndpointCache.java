package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.cache.LookupCache;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Optional;

/**
 * Endpoint lookups for the ingress path. An entry is served for at most {@code endpoint-cache-ttl} after it was read,
 * so a change made through another replica is served within that time; a change made here invalidates at once.
 *
 * <p>Ids in webhook URLs are chosen by whoever sends the request, so the cache is built not to be theirs to fill: an
 * id that is not a well-formed UUID is "not found" without a lookup; known endpoints and unknown ids live in two
 * bounded quarkus-cache (Caffeine, TinyLFU eviction) caches, so a flood of made-up ids can only evict other made-up ids; and
 * concurrent misses for one id share one database read.
 */
@ApplicationScoped
public class EndpointCache {

    private static final Optional<Endpoint> NOT_FOUND = Optional.empty();

    @Inject
    EndpointStore store;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    @CacheName("webhook-endpoints")
    Cache known;

    @Inject
    @CacheName("webhook-unknown-endpoints")
    Cache unknown;

    @Inject
    @CacheName("webhook-workflow-routes")
    Cache knownRoutes;

    @Inject
    @CacheName("webhook-unknown-workflow-routes")
    Cache unknownRoutes;

    private LookupCache<Endpoint> endpoints;

    /** Workflow webhook URLs ({@code tenant/workflow/trigger}) to endpoint ids. */
    private LookupCache<String> routes;

    @PostConstruct
    void init() {
        endpoints = new LookupCache<>(known, unknown, config.endpointCacheSize(), config.endpointNegativeCacheSize(),
                config.endpointCacheTtl(), Counter.builder("webhook_endpoint_cache_loads_total")
                        .description("Endpoint lookups that went to the database").register(registry));
        routes = new LookupCache<>(knownRoutes, unknownRoutes, config.endpointCacheSize(),
                config.endpointNegativeCacheSize(), config.endpointCacheTtl(),
                Counter.builder("webhook_workflow_route_loads_total")
                        .description("Workflow webhook URL lookups that went to the database").register(registry));
    }

    /**
     * The endpoint id behind a deployed workflow's webhook URL ({@link EndpointStore#workflowEndpoint}); the caller
     * has checked the three parts' syntax.
     */
    public Uni<Optional<String>> workflowRoute(String tenantId, String workflowId, String trigger) {
        return routes.get(routeKey(tenantId, workflowId, trigger),
                k -> store.workflowEndpoint(tenantId, workflowId, trigger));
    }

    /** Forgets the routes to a workflow's trigger: by its name, and the workflow's unnamed one. */
    public void invalidateRoutes(String tenantId, String workflowId, String trigger) {
        routes.invalidate(routeKey(tenantId, workflowId, trigger));
        routes.invalidate(routeKey(tenantId, workflowId, null));
    }

    private static String routeKey(String tenantId, String workflowId, String trigger) {
        return tenantId + "/" + workflowId + "/" + (trigger == null ? "" : trigger);
    }

    public Uni<Optional<Endpoint>> get(String id) {
        String key = canonicalId(id);
        return key == null ? Uni.createFrom().item(NOT_FOUND) : endpoints.get(key, store::find);
    }

    /**
     * The cached lookup, or null when it is not cached (or expired): the ingress path's synchronous fast path. An id
     * that is not a UUID answers "not found" here at once.
     */
    public Optional<Endpoint> cached(String id) {
        String key = canonicalId(id);
        return key == null ? NOT_FOUND : endpoints.cached(key);
    }

    public void invalidate(String id) {
        String key = canonicalId(id);
        if (key != null) {
            endpoints.invalidate(key);
        }
    }

    /**
     * The id in lower case when it is a well-formed UUID (8-4-4-4-12 hex digits), else null. Ids in URLs arrive in
     * lower case, which is returned as it is; other spellings of one UUID all map to that one key.
     */
    static String canonicalId(String id) {
        if (id == null || id.length() != 36) {
            return null;
        }
        boolean lower = true;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
            } else if (c >= 'A' && c <= 'F') {
                lower = false;
            } else if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return null;
            }
        }
        return lower ? id : id.toLowerCase(Locale.ROOT);
    }
}
