package io.agenttriggers.api.messaging;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.common.event.EventSize;
import io.agenttriggers.common.event.KafkaSend;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes trigger events to {@code triggers.inbound}; the Uni completes only once Kafka acknowledged (acks=all). */
@ApplicationScoped
public class TriggerPublisher {

    @Inject
    @Channel(Topics.INBOUND)
    MutinyEmitter<CloudEvent> inbound;

    @Inject
    ApiGatewayConfig config;

    @ConfigProperty(name = EventSize.PROPERTY, defaultValue = "" + EventSize.DEFAULT_MAX_BYTES)
    long maxEventBytes;

    /**
     * Fails at once for an event Kafka could never take (over {@code triggers.events.max-bytes}) or when the channel's
     * bounded buffer is full; the timeout is longer than the producer's own bound (max.block.ms +
     * delivery.timeout.ms), so the producer's answer comes first and a failure means the event is not on Kafka.
     */
    public Uni<Void> publish(TriggerEvent event) {
        CloudEvent ce = TriggerEventCodec.toCloudEvent(event);
        long size = EventSize.of(ce);
        if (size > maxEventBytes) {
            return Uni.createFrom().failure(EventSize.tooLarge(size, maxEventBytes));
        }
        return KafkaSend.send(inbound, ce, event.partitionKey())
                .ifNoItem().after(config.publishTimeout()).fail();
    }
}
