package io.agenttriggers.webhook.messaging;

import io.agenttriggers.common.event.EventSize;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.persistence.DedupStore;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Publishes trigger events to {@code triggers.inbound}; the Uni completes only once Kafka acknowledged (acks=all).
 *
 * <p>Records go straight to the channel's own producer (configured as {@code mp.messaging.outgoing."triggers.inbound"})
 * rather than through the emitter's message pipeline: on the ingest path that pipeline (message and metadata objects,
 * its retry and context-propagation stages, a timer per send) cost more than the send.
 * The emitter stays injected because it is what declares the channel, and with it the producer and its health check.
 */
@ApplicationScoped
public class TriggerPublisher {

    private static final Logger LOG = Logger.getLogger(TriggerPublisher.class);

    @Inject
    @Channel(Topics.INBOUND)
    MutinyEmitter<CloudEvent> inbound;

    @Inject
    KafkaClientService kafka;

    @ConfigProperty(name = "mp.messaging.outgoing.\"" + Topics.INBOUND + "\".topic", defaultValue = Topics.INBOUND)
    String topic;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    DedupStore dedup;

    @Inject
    MeterRegistry registry;

    private Timer publishDuration;

    @Inject
    Vertx vertx;

    /** The channel's Kafka producer; only the sending thread uses it. */
    private Producer<String, CloudEvent> producer;

    @ConfigProperty(name = EventSize.PROPERTY, defaultValue = "" + EventSize.DEFAULT_MAX_BYTES)
    long maxEventBytes;

    /** Sends not yet acknowledged, by sequence number. */
    private final ConcurrentHashMap<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Bytes of the events waiting for the sending thread: bounded, so a Kafka outage cannot fill the heap. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "webhook-kafka-send");
        thread.setDaemon(true);
        return thread;
    });

    @PostConstruct
    void init() {
        publishDuration = Timer.builder("webhook_publish_duration").publishPercentileHistogram().register(registry);
    }

    /**
     * Publishes an endpoint's event; on failure releases its delivery id (so the sender's retry is not taken for a
     * repeat) and fails with a problem: 413 when Kafka can never take the event (too large), else 503.
     */
    public Uni<Void> publish(Endpoint endpoint, TriggerEvent event, String deliveryId) {
        long started = System.nanoTime();
        return publish(event).onItemOrFailure().transformToUni((ok, failure) -> {
            if (failure == null) {
                publishDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                return Uni.createFrom().voidItem();
            }
            LOG.warnf("Could not make webhook event %s of endpoint %s durable: %s", event.id(), endpoint.id(),
                    failure.toString());
            ProblemException problem = EventSize.answer(failure);
            Uni<Void> release = deliveryId == null ? Uni.createFrom().voidItem()
                    : dedup.release(endpoint.id(), deliveryId, event.id());
            return release.onItemOrFailure().transformToUni((x, e) -> Uni.createFrom().failure(problem));
        });
    }

    /**
     * Sends the event keyed by its partition key; fails after {@code publish-timeout} without an acknowledgement.
     * The result arrives on the caller's Vert.x context (the acknowledgement comes on a Kafka thread), where its
     * request lives.
     *
     * <p>{@code KafkaProducer.send} may block (while it fetches a topic's metadata, or while its buffer is full), so it
     * runs on a thread of its own, never on an event loop; a busy thread takes queued sends without being woken for
     * each. The timeout is one periodic sweep over the sends in flight rather than a timer per send.
     *
     * <p>A timeout only ever ends a send still waiting for that thread, which then skips it, so a 503 for a timeout
     * means the event is not on Kafka. Once handed to the producer, a send ends with the producer's own answer,
     * bounded by {@code max.block.ms} and {@code delivery.timeout.ms}. An event over the size limit, or one that would
     * overflow the waiting sends' byte budget, fails at once.
     */
    public Uni<Void> publish(TriggerEvent event) {
        CloudEvent ce = TriggerEventCodec.toCloudEvent(event);
        long size = EventSize.of(ce);
        if (size > maxEventBytes) {
            return Uni.createFrom().failure(EventSize.tooLarge(size, maxEventBytes));
        }
        ProducerRecord<String, CloudEvent> record = new ProducerRecord<>(topic, event.partitionKey(), ce);
        Context context = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> {
            long id = sequence.incrementAndGet();
            if (queuedBytes.addAndGet(size) > config.publishQueueBytes()) {
                queuedBytes.addAndGet(-size);
                emitter.fail(new RejectedExecutionException("the sends waiting for Kafka already hold "
                        + config.publishQueueBytes() + " bytes"));
                return;
            }
            inFlight.put(id, new InFlight(emitter, context, System.nanoTime() + config.publishTimeout().toNanos(),
                    size, new AtomicInteger()));
            try {
                sender.execute(() -> send(id, record));
            } catch (RejectedExecutionException e) {
                settle(id, e);
            }
        });
    }

    private void send(long id, ProducerRecord<String, CloudEvent> record) {
        InFlight waiting = inFlight.get(id);
        if (waiting == null || !waiting.state().compareAndSet(WAITING, SENDING)) {
            return; // timed out while it waited: answered 503, and so never sent
        }
        queuedBytes.addAndGet(-waiting.bytes());
        try {
            producer().send(record, (metadata, failure) -> settle(id, failure));
        } catch (RuntimeException e) {
            settle(id, e);
        }
    }

    /** Completes a send once: acknowledged, failed or timed out, whichever comes first. */
    private void settle(long id, Throwable failure) {
        InFlight waiting = inFlight.remove(id);
        if (waiting == null) {
            return;
        }
        if (waiting.state().get() == WAITING) {
            queuedBytes.addAndGet(-waiting.bytes());
        }
        Runnable completion = failure == null ? () -> waiting.emitter().complete(null)
                : () -> waiting.emitter().fail(failure);
        if (waiting.context() == null) {
            completion.run();
        } else {
            waiting.context().runOnContext(ignored -> completion.run());
        }
    }

    void sweepTimeouts() {
        long now = System.nanoTime();
        inFlight.forEach((id, waiting) -> {
            if (now - waiting.deadline() > 0 && waiting.state().compareAndSet(WAITING, TIMED_OUT)) {
                queuedBytes.addAndGet(-waiting.bytes());
                settle(id, new TimeoutException("the event waited " + config.publishTimeout() + " to be sent"));
            }
        });
    }

    void start(@Observes StartupEvent ignored) {
        vertx.setPeriodic(100, id -> sweepTimeouts());
    }

    void stop(@Observes ShutdownEvent ignored) {
        sender.shutdown();
    }

    private static final int WAITING = 0;
    private static final int SENDING = 1;
    private static final int TIMED_OUT = 2;

    /** A send: who waits for it, until when it may wait for the sending thread, its size, and where it is. */
    private record InFlight(UniEmitter<? super Void> emitter, Context context, long deadline, long bytes,
            AtomicInteger state) {
    }

    private Producer<String, CloudEvent> producer() {
        if (producer == null) {
            KafkaProducer<String, CloudEvent> channel = kafka.getProducer(Topics.INBOUND);
            if (channel == null) {
                throw new IllegalStateException("the " + Topics.INBOUND + " channel has no Kafka producer");
            }
            producer = channel.unwrap();
        }
        return producer;
    }
}
