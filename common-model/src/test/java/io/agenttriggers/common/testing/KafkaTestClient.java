package io.agenttriggers.common.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces and reads CloudEvents (binary mode) on the real local Kafka, for tests of every module. */
public final class KafkaTestClient {

    public static final String BOOTSTRAP = System.getProperty("kafka.bootstrap.servers",
            System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));

    private KafkaTestClient() {
    }

    public static void produce(String topic, String key, CloudEvent event) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, CloudEvent> producer =
                new KafkaProducer<>(p, new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, event)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /** Produces raw bytes with the given headers, as a client outside the system (or a broken one) might. */
    public static void produceRaw(String topic, String key, Map<String, String> headers, byte[] value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /** Reads the topic from the beginning as raw bytes until {@code count} records match, or fails after the timeout. */
    public static List<ConsumerRecord<String, byte[]>> awaitRaw(String topic,
            Predicate<ConsumerRecord<String, byte[]>> match, int count, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
                if (found.size() >= count) {
                    return found;
                }
            }
        }
        throw new AssertionError("found " + found.size() + " of " + count + " matching records on " + topic
                + " within " + timeout);
    }

    /** A header's value as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads the topic from the beginning until a record matches, or fails after the timeout. */
    public static ConsumerRecord<String, CloudEvent> awaitRecord(String topic,
            Predicate<ConsumerRecord<String, CloudEvent>> match, Duration timeout) {
        List<ConsumerRecord<String, CloudEvent>> found = awaitRecords(topic, match, 1, timeout);
        return found.get(0);
    }

    /** Reads the topic from the beginning until {@code count} records match, or fails after the timeout. */
    public static List<ConsumerRecord<String, CloudEvent>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, CloudEvent>> match, int count, Duration timeout) {
        List<ConsumerRecord<String, CloudEvent>> found = new ArrayList<>();
        try (KafkaConsumer<String, CloudEvent> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && match.test(r)) {
                        found.add(r);
                    }
                }
                if (found.size() >= count) {
                    return found;
                }
            }
        }
        throw new AssertionError("found " + found.size() + " of " + count + " matching records on " + topic
                + " within " + timeout);
    }

    /** Every record of the topic, as of now, that matches. */
    public static List<ConsumerRecord<String, CloudEvent>> readAll(String topic,
            Predicate<ConsumerRecord<String, CloudEvent>> match) {
        List<ConsumerRecord<String, CloudEvent>> found = new ArrayList<>();
        try (KafkaConsumer<String, CloudEvent> consumer = consumer()) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && match.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static KafkaConsumer<String, CloudEvent> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        CloudEventDeserializer events = new CloudEventDeserializer();
        events.configure(Map.of(), false);
        // Tests put garbage on the topics on purpose: a record that is not a CloudEvent reads as null and is skipped.
        org.apache.kafka.common.serialization.Deserializer<CloudEvent> values = new org.apache.kafka.common
                .serialization.Deserializer<>() {
            @Override
            public CloudEvent deserialize(String topic, byte[] data) {
                return deserialize(topic, new org.apache.kafka.common.header.internals.RecordHeaders(), data);
            }

            @Override
            public CloudEvent deserialize(String topic, org.apache.kafka.common.header.Headers headers, byte[] data) {
                try {
                    return events.deserialize(topic, headers, data);
                } catch (RuntimeException e) {
                    return null;
                }
            }
        };
        return new KafkaConsumer<>(p, new StringDeserializer(), values);
    }
}
