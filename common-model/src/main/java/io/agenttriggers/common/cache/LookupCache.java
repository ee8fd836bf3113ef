package io.agenttriggers.common.cache;

import io.micrometer.core.instrument.Counter;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Lookups by a key that whoever sends a request chooses (an endpoint id in a URL, an API key in a header), cached so
 * that the key's author cannot fill or flush the cache: what was found and what was not live in two bounded
 * quarkus-cache (Caffeine, TinyLFU eviction) caches, so made-up keys only ever evict other made-up keys; concurrent
 * misses of one key share one load, whose answer is emitted on each caller's own context; both expire after the TTL,
 * the longest a change made through another replica may go unseen. Callers check a key's syntax first, so a
 * malformed one never reaches the cache or the database.
 *
 * @param <V> what a key finds
 */
public final class LookupCache<V> {

    /**
     * What a load that found nothing fails with, so that Caffeine keeps no entry for it in {@link #known}. A
     * cancellation, because Caffeine logs every other failed load as a warning: one line per made-up key would hand the
     * sender the log instead of the cache.
     */
    private static final class NotFound extends CancellationException {
        private static final NotFound INSTANCE = new NotFound();

        private NotFound() {
            super("not found");
            setStackTrace(new StackTraceElement[0]);
        }
    }

    private static final CompletableFuture<Object> PRESENT = CompletableFuture.completedFuture(Boolean.TRUE);

    private final CaffeineCache known;
    private final CaffeineCache unknown;
    /** Bumped by every invalidation, so a load that raced one does not record its key as unknown. */
    private final AtomicLong invalidations = new AtomicLong();
    private final Counter loads;

    /**
     * @param known        found values (a Caffeine cache configured with a maximum size and expire-after-write)
     * @param unknown      keys that found nothing (likewise)
     * @param size         most found values kept
     * @param negativeSize most keys kept that found nothing
     * @param ttl          how long either is served after it was read
     * @param loads        counted once per lookup that goes to the source
     */
    public LookupCache(Cache known, Cache unknown, long size, long negativeSize, Duration ttl, Counter loads) {
        this.known = known.as(CaffeineCache.class);
        this.unknown = unknown.as(CaffeineCache.class);
        this.known.setMaximumSize(size);
        this.known.setExpireAfterWrite(ttl);
        this.unknown.setMaximumSize(negativeSize);
        this.unknown.setExpireAfterWrite(ttl);
        this.loads = loads;
    }

    /** The value for {@code key}, from the cache or, once for all concurrent callers, from {@code loader}. */
    public Uni<Optional<V>> get(String key, Function<String, Uni<Optional<V>>> loader) {
        Optional<V> ready = cached(key);
        if (ready != null) {
            return Uni.createFrom().item(ready);
        }
        return known.<String, V>getAsync(key, k -> load(k, loader))
                .map(Optional::of)
                .onFailure(LookupCache::notFound).recoverWithItem(Optional.empty());
    }

    /** The cached answer, or null when there is none yet (or it expired); never loads. */
    public Optional<V> cached(String key) {
        CompletableFuture<V> found = known.getIfPresent(key);
        if (found != null) {
            return found.isDone() && !found.isCompletedExceptionally() ? Optional.of(found.join()) : null;
        }
        return unknown.getIfPresent(key) != null ? Optional.empty() : null;
    }

    /** Forgets the key, and a load of it in flight (whose result is then not kept). */
    public void invalidate(String key) {
        invalidations.incrementAndGet();
        // Both run at subscription, synchronously: the next lookup reads the source.
        known.invalidate(key).subscribe().with(ignored -> {
        });
        unknown.invalidate(key).subscribe().with(ignored -> {
        });
    }

    /** Forgets every found value that matches, and every load in flight (which may have read it before the change). */
    public void invalidateIf(Predicate<V> match) {
        invalidations.incrementAndGet();
        known.invalidateIf(key -> {
            CompletableFuture<V> f = known.getIfPresent(key);
            if (f == null) {
                return false;
            }
            if (!f.isDone()) {
                return true;
            }
            return !f.isCompletedExceptionally() && match.test(f.join());
        }).subscribe().with(ignored -> {
        });
    }

    private Uni<V> load(String key, Function<String, Uni<Optional<V>>> loader) {
        loads.increment();
        long epoch = invalidations.get();
        return loader.apply(key).map(found -> {
            if (found.isPresent()) {
                return found.get();
            }
            // Recorded before the load completes, so a lookup that no longer finds it in flight finds it here.
            if (invalidations.get() == epoch) {
                unknown.put(key, PRESENT);
            }
            throw NotFound.INSTANCE;
        });
    }

    private static boolean notFound(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotFound) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
