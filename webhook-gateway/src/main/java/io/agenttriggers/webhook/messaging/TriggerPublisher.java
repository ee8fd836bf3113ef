package io.agenttriggers.webhook.messaging;

import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.common.event.KafkaSend;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes trigger events to {@code triggers.inbound}; the Uni completes only once Kafka acknowledged (acks=all). */
@ApplicationScoped
public class TriggerPublisher {

    @Inject
    @Channel(Topics.INBOUND)
    MutinyEmitter<CloudEvent> inbound;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    io.agenttriggers.webhook.persistence.DedupStore dedup;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TriggerPublisher.class);

    /**
     * Publishes an endpoint's event; on failure releases its delivery id (so the sender's retry is not taken for a
     * repeat) and fails with a 503 problem.
     */
    public Uni<Void> publish(io.agenttriggers.webhook.domain.Endpoint endpoint, TriggerEvent event, String deliveryId) {
        long started = System.nanoTime();
        return publish(event)
                .onFailure().call(e -> deliveryId == null ? Uni.createFrom().voidItem()
                        : dedup.release(endpoint.id(), deliveryId, event.id()))
                .onFailure().transform(e -> {
                    LOG.warnf("Could not make webhook event %s of endpoint %s durable: %s", event.id(), endpoint.id(),
                            e.toString());
                    return io.agenttriggers.common.problem.ProblemException.unavailable("not_durable",
                            "The event could not be stored; nothing was started. Retry later.", 5);
                })
                .invoke(() -> publishDuration().record(System.nanoTime() - started,
                        java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private volatile io.micrometer.core.instrument.Timer publishDuration;

    private io.micrometer.core.instrument.Timer publishDuration() {
        if (publishDuration == null) {
            publishDuration = io.micrometer.core.instrument.Timer.builder("webhook_publish_duration")
                    .publishPercentileHistogram().register(registry);
        }
        return publishDuration;
    }

    public Uni<Void> publish(TriggerEvent event) {
        return KafkaSend.send(inbound, TriggerEventCodec.toCloudEvent(event), event.partitionKey())
                .ifNoItem().after(config.publishTimeout()).fail();
    }
}
