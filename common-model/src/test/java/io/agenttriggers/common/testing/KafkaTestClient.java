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
        CloudEventDeserializer values = new CloudEventDeserializer();
        values.configure(Map.of(), false);
        return new KafkaConsumer<>(p, new StringDeserializer(), values);
    }
}
