package io.agenttriggers.webhook.messaging;

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

    /** Sends not yet acknowledged, by sequence number. */
    private final ConcurrentHashMap<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
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
     * repeat) and fails with a 503 problem.
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
            ProblemException problem = ProblemException.unavailable("not_durable",
                    "The event could not be stored; nothing was started. Retry later.", 5);
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
     */
    public Uni<Void> publish(TriggerEvent event) {
        ProducerRecord<String, CloudEvent> record = new ProducerRecord<>(topic, event.partitionKey(),
                TriggerEventCodec.toCloudEvent(event));
        Context context = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> {
            long id = sequence.incrementAndGet();
            inFlight.put(id, new InFlight(emitter, context, System.nanoTime() + config.publishTimeout().toNanos()));
            try {
                sender.execute(() -> send(id, record));
            } catch (RejectedExecutionException e) {
                settle(id, e);
            }
        });
    }

    private void send(long id, ProducerRecord<String, CloudEvent> record) {
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
            if (now - waiting.deadline() > 0) {
                settle(id, new TimeoutException("Kafka did not acknowledge within " + config.publishTimeout()));
            }
        });
    }

    void start(@Observes StartupEvent ignored) {
        vertx.setPeriodic(100, id -> sweepTimeouts());
    }

    void stop(@Observes ShutdownEvent ignored) {
        sender.shutdown();
    }

    private record InFlight(UniEmitter<? super Void> emitter, Context context, long deadline) {
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
