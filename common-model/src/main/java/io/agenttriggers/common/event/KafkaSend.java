package io.agenttriggers.common.event;

import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Sends a CloudEvent keyed by its partition key; the Uni completes once Kafka acknowledged the record. */
public final class KafkaSend {

    private KafkaSend() {
    }

    public static Uni<Void> send(MutinyEmitter<CloudEvent> emitter, CloudEvent event, String key) {
        return emitter.sendMessage(Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build()));
    }
}
