package io.agenttriggers.queue.source;

import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.messaging.InboundPublisher;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records that could not become events to the source's dead-letter topic, on the source's own cluster (with
 * its security settings): key, value and headers as they were, plus {@code dead-letter-*} headers saying why and
 * from where.
 */
@ApplicationScoped
public class KafkaDeadLetters {

    private final Map<String, KafkaProducer<byte[], byte[]>> producers = new ConcurrentHashMap<>();

    public CompletableFuture<Void> send(String bootstrapServers, SourceSpec spec, ConsumerRecord<byte[], byte[]> record,
            String reason) {
        try {
            KafkaProducer<byte[], byte[]> producer = producers.computeIfAbsent(spec.name(),
                    n -> open(bootstrapServers, spec));
            RecordHeaders headers = new RecordHeaders(record.headers().toArray());
            headers.add("dead-letter-reason", bytes(reason));
            headers.add("dead-letter-source", bytes(spec.name()));
            headers.add("dead-letter-topic", bytes(record.topic()));
            headers.add("dead-letter-partition", bytes(String.valueOf(record.partition())));
            headers.add("dead-letter-offset", bytes(String.valueOf(record.offset())));
            return InboundPublisher.send(producer, new ProducerRecord<>(spec.deadLetterOrDefault(), null, record.key(),
                    record.value(), headers));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> open(String bootstrapServers, SourceSpec spec) {
        Properties p = new Properties();
        if (spec.kafka().properties() != null) {
            spec.kafka().properties().forEach((k, v) -> {
                if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                    p.put(k, v.reveal());
                }
            });
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "queue-" + spec.name() + "-dead-letters");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    @PreDestroy
    void close() {
        producers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
    }
}
