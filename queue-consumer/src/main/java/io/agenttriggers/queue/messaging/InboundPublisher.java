package io.agenttriggers.queue.messaging;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.queue.config.QueueConsumerConfig;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes trigger events to {@code triggers.inbound} (binary CloudEvents, keyed by partition key, acks=all,
 * idempotent). One producer for every source, so the batches of all sources share the connections. A future
 * completes only once Kafka acknowledged the record: that is when the source message may be acknowledged.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class InboundPublisher {

    @Inject
    QueueConsumerConfig config;

    @Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    java.util.Map<String, Object> kafkaConfig;

    private KafkaProducer<String, CloudEvent> producer;

    @PostConstruct
    void open() {
        java.util.Map<String, Object> p = io.agenttriggers.common.messaging.KafkaClients.shared(kafkaConfig);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "queue-consumer-inbound");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        // Room for the largest event a source may accept (16 MiB body, base64 for binary); the broker's own
        // message.max.bytes then decides, and a refusal is final (the source's onParseError applies).
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(24 * 1024 * 1024));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    /** The record of an event, ready to send (the CloudEvent built; callable on any thread). */
    public ProducerRecord<String, CloudEvent> record(TriggerEvent event) {
        return new ProducerRecord<>(config.inboundTopic(), event.partitionKey(), TriggerEventCodec.toCloudEvent(event));
    }

    public CompletableFuture<Void> publish(TriggerEvent event) {
        return publish(record(event));
    }

    public CompletableFuture<Void> publish(ProducerRecord<String, CloudEvent> record) {
        return send(producer, record);
    }

    /** Sends a record; the future completes when Kafka acknowledged it, and fails (never throws) otherwise. */
    public static <K, V> CompletableFuture<Void> send(KafkaProducer<K, V> producer, ProducerRecord<K, V> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
