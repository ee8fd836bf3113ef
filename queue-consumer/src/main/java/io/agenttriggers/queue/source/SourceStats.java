package io.agenttriggers.queue.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One source's counters, exported as {@code triggers_queue_*} metrics tagged with the source name and type, and
 * read back by the sources API. Also keeps the last few failures, so an operator sees what was dead-lettered or
 * acknowledged without an event, and why.
 */
public final class SourceStats {

    /** One message that did not become an event. */
    public record Failure(Instant at, String messageId, String reason, String action) {
    }

    private static final int RECENT = 20;

    final Counter consumed;
    final Counter published;
    final Counter parseFailures;
    final Counter deadLettered;
    final Counter retries;
    final Counter dedupExtracted;
    /** Deliveries the broker marked as redelivered (a consumer before this one did not acknowledge them). */
    final Counter redeliveries;
    final Timer latency;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong backlog = new AtomicLong(-1);
    private final Deque<Failure> recent = new ArrayDeque<>();
    private volatile Instant lastMessageAt;
    private final MeterRegistry registry;
    private final Tags tags;

    SourceStats(MeterRegistry registry, String source, String type, Supplier<Boolean> paused) {
        Tags tags = Tags.of("source", source, "type", type);
        this.registry = registry;
        this.tags = tags;
        consumed = registry.counter("triggers.queue.messages.consumed", tags);
        published = registry.counter("triggers.queue.events.published", tags);
        parseFailures = registry.counter("triggers.queue.parse.failures", tags);
        deadLettered = registry.counter("triggers.queue.dead.lettered", tags);
        retries = registry.counter("triggers.queue.publish.retries", tags);
        dedupExtracted = registry.counter("triggers.queue.dedup.keys.extracted", tags);
        redeliveries = registry.counter("triggers.queue.redeliveries", tags);
        latency = Timer.builder("triggers.queue.processing").description("From receipt to the event durable on Kafka")
                .tags(tags).publishPercentileHistogram().register(registry);
        Gauge.builder("triggers.queue.backlog", backlog, AtomicLong::get)
                .description("Messages waiting (Kafka lag, SQS visible messages); -1 when the broker does not say")
                .tags(tags).register(registry);
        Gauge.builder("triggers.queue.paused", paused, p -> p.get() ? 1 : 0).tags(tags).register(registry);
        Gauge.builder("triggers.queue.in.flight", inFlight, AtomicInteger::get).tags(tags).register(registry);
    }

    /**
     * Removes the source's meters (a deployed source that went, or restarts with a new revision and registers its
     * own gauges: Micrometer would otherwise keep the old ones).
     */
    void close() {
        registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("triggers.queue.")
                        && tags.stream().allMatch(t -> t.getValue().equals(m.getId().getTag(t.getKey()))))
                .toList()
                .forEach(registry::remove);
    }

    void received() {
        consumed.increment();
        lastMessageAt = Instant.now();
    }

    void published(Instant receivedAt) {
        published.increment();
        latency.record(Duration.between(receivedAt, Instant.now()));
    }

    synchronized void failed(String messageId, String reason, String action) {
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(new Failure(Instant.now(), messageId, reason, action));
    }

    public synchronized List<Failure> recentFailures() {
        List<Failure> newestFirst = new java.util.ArrayList<>(recent);
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    public Instant lastMessageAt() {
        return lastMessageAt;
    }

    public long consumedCount() {
        return (long) consumed.count();
    }

    public long publishedCount() {
        return (long) published.count();
    }

    public long parseFailureCount() {
        return (long) parseFailures.count();
    }

    public long deadLetteredCount() {
        return (long) deadLettered.count();
    }

    public long retryCount() {
        return (long) retries.count();
    }

    public long dedupExtractedCount() {
        return (long) dedupExtracted.count();
    }

    public int inFlightCount() {
        return inFlight.get();
    }

    public long backlogCount() {
        return backlog.get();
    }
}
