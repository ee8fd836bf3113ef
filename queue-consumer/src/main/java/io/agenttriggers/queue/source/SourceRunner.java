package io.agenttriggers.queue.source;

import io.agenttriggers.common.messaging.KafkaRefusals;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Backoff;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.EnvelopeBuilder;
import io.agenttriggers.queue.domain.ParseException;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import java.time.Duration;
import io.cloudevents.CloudEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * One running source: the broker adapter (a subclass) delivers {@link RawMessage}s to {@link #handle}, which builds
 * the event and publishes it, retrying with capped exponential backoff while Kafka refuses it; the adapter then
 * carries out the {@link Disposition} (acknowledge, dead-letter, give back). Pause and resume are flags the adapter
 * honours at its next poll or delivery.
 */
public abstract class SourceRunner {

    /** Lifecycle as the sources API shows it. */
    public enum State {
        STARTING, RUNNING, RECONNECTING, STOPPED, DISABLED,
        /** A mailbox another replica polls (it holds the lease); this one takes over when that lease expires. */
        STANDBY
    }

    protected final Logger log;
    protected final SourceSpec spec;
    protected final SourceStats stats;
    private final EnvelopeBuilder envelopes;
    private final InboundPublisher publisher;
    protected final ScheduledExecutorService scheduler;
    protected volatile boolean paused;
    protected volatile boolean stopping;
    protected volatile State state = State.STARTING;
    private volatile String lastError;
    /** The deployment write a deployed source runs (0 for a declared one): a newer one restarts it. */
    private volatile long revision;

    protected SourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler) {
        this.log = Logger.getLogger(getClass());
        this.spec = spec;
        this.stats = stats;
        this.envelopes = new EnvelopeBuilder(spec);
        this.publisher = publisher;
        this.scheduler = scheduler;
    }

    /** Connects and starts consuming; never blocks on the broker. */
    public abstract void start();

    /**
     * Stops consuming, gives in-flight messages until {@code deadline} (epoch millis) to finish and acknowledges
     * only those that did; returns once the adapter let go of its connections.
     */
    public abstract void stop(long deadline);

    /** Where the adapter reads from, for the sources API (never a credential). */
    public abstract String address();

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    /**
     * One consumer's order of sends. Envelopes are built in parallel on a shared pool, but each consumer's events
     * are handed to the producer in the order its messages arrived, so a partition's order survives.
     */
    protected static final class Lane {
        private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    }

    /**
     * Envelope building (parse, extract, CloudEvent) for every source, one thread per core. Its threads carry the
     * application's class loader, which Quarkus' configuration and beans are looked up with.
     */
    private static final ForkJoinPool PREPARE = new ForkJoinPool(Math.max(2, Runtime.getRuntime()
            .availableProcessors()), pool -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("queue-prepare-" + t.getPoolIndex());
                t.setContextClassLoader(SourceRunner.class.getClassLoader());
                return t;
            }, null, false);

    /** A message whose event is built and ready to send. */
    private record Ready(ProducerRecord<String, CloudEvent> record, RawMessage message) {
    }

    /**
     * Handles one message: its envelope is built on the shared pool, then its event is sent after those of the
     * messages handed to the same lane before it. The future never fails. Call from one thread per lane.
     */
    protected CompletableFuture<Disposition> handle(RawMessage message, Lane lane) {
        return handle(() -> message, lane);
    }

    /** As {@link #handle(RawMessage, Lane)}, with the message read from the broker's form on the pool too. */
    protected CompletableFuture<Disposition> handle(Supplier<RawMessage> reader, Lane lane) {
        stats.received();
        CompletableFuture<Object> prepared = CompletableFuture.supplyAsync(() -> prepare(reader), PREPARE);
        CompletableFuture<Disposition> done = new CompletableFuture<>();
        lane.tail = lane.tail.thenCombine(prepared, (previous, p) -> {
            if (p instanceof Disposition d) {
                done.complete(d);
            } else {
                Ready ready = (Ready) p;
                stats.inFlight.incrementAndGet();
                publish(ready.record(), ready.message(), 0, done);
            }
            return null;
        }).exceptionally(e -> {
            log.errorf(e, "Source %s: a message could not be handled", spec.name());
            done.complete(new Disposition(Disposition.Kind.REQUEUE, "internal error"));
            return null;
        });
        return done;
    }

    /** The message's ready record, or the disposition of a message that is not an event. Never throws. */
    private Object prepare(Supplier<RawMessage> reader) {
        RawMessage message;
        try {
            message = reader.get();
        } catch (RuntimeException e) {
            return notAnEvent("(unreadable)", "message cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            EnvelopeBuilder.Built built = envelopes.build(message);
            if (built.dedupKeyExtracted()) {
                stats.dedupExtracted.increment();
            }
            return new Ready(publisher.record(built.event()), message);
        } catch (ParseException e) {
            return notAnEvent(message, e.getMessage());
        } catch (RuntimeException e) {
            // A defect, not the message's fault: give it back rather than lose it.
            log.errorf(e, "Source %s: message %s could not be handled", spec.name(), message.messageId());
            return new Disposition(Disposition.Kind.REQUEUE, "internal error");
        }
    }

    /**
     * A message that cannot become an event: logged, counted, kept among the recent failures, and given the source's
     * {@code onParseError} disposition. Adapters call it for messages they cannot even read.
     */
    protected Disposition notAnEvent(RawMessage message, String reason) {
        return notAnEvent(message.messageId(), reason);
    }

    protected Disposition notAnEvent(String messageId, String reason) {
        stats.parseFailures.increment();
        Disposition d = Disposition.parseFailure(spec.onParseErrorOrDefault(), reason);
        String action = d.kind().name().toLowerCase().replace('_', '-');
        log.warnf("Source %s: message %s is not an event (%s); %s", spec.name(), messageId, reason, action);
        stats.failed(messageId, reason, action);
        return d;
    }

    private void publish(ProducerRecord<String, CloudEvent> record, RawMessage message, int attempt,
            CompletableFuture<Disposition> done) {
        publisher.publish(record).whenComplete((ok, failure) -> {
            if (failure == null) {
                stats.inFlight.decrementAndGet();
                stats.published(message.receivedAt());
                done.complete(Disposition.PUBLISHED);
                return;
            }
            Throwable error = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (KafkaRefusals.refusedForGood(error)) {
                // Kafka will never take this event (too large, unserializable): retrying would block the source.
                stats.inFlight.decrementAndGet();
                done.complete(notAnEvent(message, "event refused by Kafka (" + error.getClass().getSimpleName()
                        + ")"));
                return;
            }
            if (stopping) {
                stats.inFlight.decrementAndGet();
                done.complete(Disposition.ABANDONED);
                return;
            }
            stats.retries.increment();
            Duration wait = Backoff.delay(spec.initialBackoff(), spec.maxBackoff(), attempt);
            noteError("publishing to Kafka failed (" + error.getClass().getSimpleName() + "), retrying");
            if (attempt == 0 || attempt % 10 == 0) {
                log.warnf("Source %s: event of message %s not published (%s); retry %d in %d ms", spec.name(),
                        message.messageId(), error.getClass().getSimpleName(), attempt + 1, wait.toMillis());
            }
            scheduler.schedule(() -> publish(record, message, attempt + 1, done), wait.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
    }

    /**
     * Waits for a batch's dispositions until they are all there, or until {@code deadline} (epoch millis; the stop
     * deadline, so a shutdown bounds the wait) — whatever is not done by then is not acknowledged.
     */
    protected static void awaitBatch(java.util.Collection<? extends CompletableFuture<?>> batch, long deadline) {
        CompletableFuture<Void> all = CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new));
        while (!all.isDone() && System.currentTimeMillis() < deadline) {
            try {
                all.get(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Dispositions never fail; keep waiting until done or the deadline.
            }
        }
    }

    protected static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records a dead letter written; the adapter acknowledges the message next. */
    protected void deadLettered() {
        stats.deadLettered.increment();
    }

    protected void noteError(String error) {
        lastError = error;
    }

    protected void clearError() {
        lastError = null;
    }

    public SourceSpec spec() {
        return spec;
    }

    public SourceStats stats() {
        return stats;
    }

    public boolean paused() {
        return paused;
    }

    public long revision() {
        return revision;
    }

    void revision(long revision) {
        this.revision = revision;
    }

    public State state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }
}
