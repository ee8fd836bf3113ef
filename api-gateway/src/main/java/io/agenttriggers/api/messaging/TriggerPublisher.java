package io.agenttriggers.api.messaging;

import io.agenttriggers.api.config.ApiGatewayConfig;
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
    ApiGatewayConfig config;

    public Uni<Void> publish(TriggerEvent event) {
        return KafkaSend.send(inbound, TriggerEventCodec.toCloudEvent(event), event.partitionKey())
                .ifNoItem().after(config.publishTimeout()).fail();
    }
}
