package io.agenttriggers.webhook.persistence;

import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.Endpoint;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint lookups for the ingress path. Entries live for {@code endpoint-cache-ttl}, so a change made through
 * another replica is served within that time; a change made here invalidates at once. Unknown ids are cached too,
 * so a flood against a bad URL does not reach the database on every request.
 */
@ApplicationScoped
public class EndpointCache {

    private record Entry(Optional<Endpoint> endpoint, long expiresAt) {
    }

    private static final int MAX_ENTRIES = 50_000;

    @Inject
    EndpointStore store;

    @Inject
    WebhookGatewayConfig config;

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public Uni<Optional<Endpoint>> get(String id) {
        Entry e = entries.get(id);
        long now = System.nanoTime();
        if (e != null && e.expiresAt() - now > 0) {
            return Uni.createFrom().item(e.endpoint());
        }
        return store.find(id).invoke(found -> {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(id, new Entry(found, now + config.endpointCacheTtl().toNanos()));
        });
    }

    /** The cached lookup, or null when it is not cached (or expired): the ingress path's synchronous fast path. */
    public Optional<Endpoint> cached(String id) {
        Entry e = entries.get(id);
        return e != null && e.expiresAt() - System.nanoTime() > 0 ? e.endpoint() : null;
    }

    public void invalidate(String id) {
        entries.remove(id);
    }
}
