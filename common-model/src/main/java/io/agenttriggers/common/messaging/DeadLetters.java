package io.agenttriggers.common.messaging;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sets aside a record that can never be processed (not a CloudEvent, an unknown type, invalid data, too large to
 * forward) so that its partition moves on: the record goes to the dead-letter topic as it came — its key, its
 * headers and its value bytes (for a record that did not deserialize, the bytes SmallRye kept in
 * {@code deserialization-failure-data}; for a CloudEvent, its binary-mode encoding) — with SmallRye's
 * {@code dead-letter-*} headers saying why and where it was read, and only once the dead-letter topic acknowledged it
 * may the caller acknowledge the original. Failures that may pass (a database or broker out of reach) are never sent
 * here: the consumers retry those.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    public static final String SERVICE = "dead-letter-service";
    /** Set when the value had to be left out for the dead letter to fit the broker's limit. */
    public static final String TRUNCATED = "dead-letter-value-dropped";
    /** Where SmallRye keeps the bytes of a value its deserializer refused. */
    static final String FAILED_DATA = "deserialization-failure-data";
    static final String FAILED_VALUE_DATA = "deserialization-failure-value-data";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "triggers.dead-letters.topic", defaultValue = "triggers.dlq")
    String topic;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "unknown")
    String service;

    @Inject
    MeterRegistry registry;

    private volatile KafkaProducer<byte[], byte[]> producer;

    /**
     * Dead-letters the record behind the message and answers once the dead-letter topic has it; the caller then
     * acknowledges the message. {@code reason} is a stable code (e.g. {@code invalid_event}), {@code cause} a line for
     * people.
     */
    public Uni<Void> send(Message<?> message, String reason, String cause) {
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        if (metadata == null) {
            return Uni.createFrom().failure(new IllegalStateException("not a Kafka record: " + message));
        }
        ProducerRecord<byte[], byte[]> record = deadLetter(metadata, message.getPayload(), reason, cause);
        registry.counter("triggers_dead_letters_total", "topic", metadata.getTopic(), "reason", reason).increment();
        LOG.warnf("Dead-lettering %s-%d@%d to %s (%s): %s", metadata.getTopic(), metadata.getPartition(),
                metadata.getOffset(), topic, reason, cause);
        return publish(record).onFailure(RecordTooLargeException.class).recoverWithUni(e -> {
            // The broker refuses the record with our headers: keep why and where, without the value.
            record.headers().add(TRUNCATED, utf8("true"));
            return publish(new ProducerRecord<>(topic, null, record.key(), null, record.headers()));
        });
    }

    private Uni<Void> publish(ProducerRecord<byte[], byte[]> record) {
        // send() may block on metadata or a full buffer: never on the caller's (event-loop) thread.
        return Uni.createFrom().item(() -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            producer().send(record, (m, e) -> {
                if (e == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(e);
                }
            });
            return acked;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(acked -> Uni.createFrom().completionStage(acked));
    }

    ProducerRecord<byte[], byte[]> deadLetter(IncomingKafkaRecordMetadata<?, ?> metadata, Object payload, String reason,
            String cause) {
        Headers headers = new RecordHeaders();
        byte[] value = null;
        for (Header h : metadata.getHeaders()) {
            if (h.key().equals(FAILED_DATA) || h.key().equals(FAILED_VALUE_DATA)) {
                value = h.value();
            } else if (!h.key().endsWith("-data") || !h.key().startsWith("deserialization-failure-")) {
                // SmallRye's reason and cause headers stay: they say what the deserializer found wrong.
                headers.add(h);
            }
        }
        if (payload instanceof CloudEvent event) {
            // Binary mode, as the services write events: the ce_* headers came with the record; the value is the data.
            value = event.getData() == null ? null : event.getData().toBytes();
            if (!hasCloudEventHeaders(headers)) {
                value = new CloudEventSerializer().serialize(metadata.getTopic(), headers, event);
            }
        }
        headers.add(REASON, utf8(reason));
        headers.add(CAUSE, utf8(cause == null ? "" : cause.length() > 1_000 ? cause.substring(0, 1_000) : cause));
        headers.add(TOPIC, utf8(metadata.getTopic()));
        headers.add(PARTITION, utf8(Integer.toString(metadata.getPartition())));
        headers.add(OFFSET, utf8(Long.toString(metadata.getOffset())));
        headers.add(SERVICE, utf8(service));
        Object key = metadata.getKey();
        byte[] keyBytes = key == null ? null : key instanceof byte[] b ? b : utf8(key.toString());
        return new ProducerRecord<>(topic, null, keyBytes, value, headers);
    }

    private static boolean hasCloudEventHeaders(Headers headers) {
        return headers.lastHeader("ce_id") != null;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = KafkaClients.shared(kafkaConfig);
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
                    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
                    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
                    // A record that was too large to forward is still a little larger here, with its dead-letter headers.
                    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, service + "-dead-letters");
                    producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(java.time.Duration.ofSeconds(5));
        }
    }
}
