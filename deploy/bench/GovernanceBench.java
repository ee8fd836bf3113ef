import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The governance hop, measured from outside: trigger events go onto an input topic and are timed until they appear
 * on an output topic. Either the governance-service sits between the two (mode {@code hop}), or this program's own
 * plain consumer→producer copy does (mode {@code copy}, the baseline: Kafka's cost of one hop with acks=all and
 * commits after the send). Latency is measured from each event's due time (open model, no coordinated omission).
 *
 * <p>Usage: GovernanceBench bootstrap mode inTopic outTopic tenant rate seconds burst [subject]
 * <br>{@code subject}: match arrivals by their CloudEvent subject (outcomes name their run there), not their id;
 * the dispatcher benchmark uses it
 * <br>prints {@code saturated_per_s=… p50_ms=… p95_ms=… p99_ms=… missing=…}
 */
public class GovernanceBench {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String mode = args[1];
        String in = args[2];
        String out = args[3];
        String tenant = args[4];
        int rate = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        int burst = Integer.parseInt(args[7]);
        // Outcomes carry the run id (= the event id) as their subject, not as their id.
        boolean bySubject = args.length > 8 && args[8].equals("subject");

        AtomicBoolean running = new AtomicBoolean(true);
        Thread copier = null;
        if (mode.equals("copy")) {
            copier = new Thread(() -> copy(bootstrap, in, out, running), "copy");
            copier.start();
        }
        Map<String, Long> due = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger arrived = new AtomicInteger();
        Thread reader = new Thread(() -> read(bootstrap, out, due, latencies, arrived, running, bySubject),
                "reader");
        reader.start();
        Thread.sleep(3000); // the reader's assignment and seek to the end

        try (KafkaProducer<String, CloudEvent> producer = producer(bootstrap)) {
            // Warm-up at the rate (WARMUP seconds, default half the measured time, at least 5), then the measured
            // open-model run at the rate.
            String warmup = System.getenv("WARMUP");
            paced(producer, in, tenant, rate, warmup == null || warmup.isBlank() ? Math.max(5, seconds / 2)
                    : Integer.parseInt(warmup.trim()), due, null);
            Thread.sleep(2000);
            latencies.clear();
            paced(producer, in, tenant, rate, seconds, due, latencies);
            Thread.sleep(3000);
            List<Long> measured;
            synchronized (latencies) {
                measured = new ArrayList<>(latencies);
            }
            int expected = rate * seconds;
            // Saturation: a burst sent as fast as the producer goes; throughput = burst / time until the last arrives.
            int before = arrived.get();
            long started = System.nanoTime();
            for (int i = 0; i < burst; i++) {
                TriggerEvent e = event(tenant, i);
                due.put(e.id(), System.nanoTime());
                producer.send(new ProducerRecord<>(in, e.partitionKey(), TriggerEventCodec.toCloudEvent(e)));
            }
            producer.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (arrived.get() - before < burst && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            int burstArrived = arrived.get() - before;
            running.set(false);
            Collections.sort(measured);
            System.out.printf("saturated_per_s=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f missing=%d burst_missing=%d%n",
                    Math.round(burstArrived / elapsed), pct(measured, 0.50), pct(measured, 0.95), pct(measured, 0.99),
                    Math.max(0, expected - measured.size()), burst - burstArrived);
        }
        reader.join(10_000);
        if (copier != null) {
            copier.join(10_000);
        }
        System.exit(0);
    }

    static TriggerEvent event(String tenant, int i) {
        return TriggerEvent.builder(TriggerType.API, "/api/bench", "bench.e" + (i % 12), tenant)
                .data(TriggerData.of(JsonNodeFactory.instance.objectNode().put("i", i).put("pad", "x".repeat(200))))
                .build();
    }

    static void paced(KafkaProducer<String, CloudEvent> producer, String topic, String tenant, int rate, int seconds,
            Map<String, Long> due, List<Long> sink) throws InterruptedException {
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        int total = rate * seconds;
        for (int i = 0; i < total; i++) {
            long at = start + i * interval;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            TriggerEvent e = event(tenant, i);
            due.put(e.id(), sink == null ? -at : at); // negative: warm-up, not measured
            producer.send(new ProducerRecord<>(topic, e.partitionKey(), TriggerEventCodec.toCloudEvent(e)));
        }
    }

    static void read(String bootstrap, String topic, Map<String, Long> due, List<Long> latencies,
            AtomicInteger arrived, AtomicBoolean running, boolean bySubject) {
        try (KafkaConsumer<String, CloudEvent> consumer = consumer(bootstrap, "bench-reader-" + UUID.randomUUID())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            while (running.get()) {
                for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    Long at = due.remove(bySubject ? r.value().getSubject() : r.value().getId());
                    if (at == null) {
                        continue;
                    }
                    arrived.incrementAndGet();
                    if (at > 0) {
                        latencies.add(now - at);
                    }
                }
            }
        }
    }

    /** The baseline hop: consume, produce with acks=all, commit once the sends are acknowledged. */
    static void copy(String bootstrap, String in, String out, AtomicBoolean running) {
        try (KafkaConsumer<String, CloudEvent> consumer = consumer(bootstrap, "bench-copy-" + UUID.randomUUID());
                KafkaProducer<String, CloudEvent> producer = producer(bootstrap)) {
            consumer.subscribe(List.of(in));
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(20));
                if (records.isEmpty()) {
                    continue;
                }
                List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
                for (ConsumerRecord<String, CloudEvent> r : records) {
                    sends.add(producer.send(new ProducerRecord<>(out, r.key(), r.value())));
                }
                for (var f : sends) {
                    f.get();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
                for (TopicPartition p : records.partitions()) {
                    var list = records.records(p);
                    offsets.put(p, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
                }
                consumer.commitAsync(offsets, null);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KafkaProducer<String, CloudEvent> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        return new KafkaProducer<>(p, new StringSerializer(), new CloudEventSerializer());
    }

    static KafkaConsumer<String, CloudEvent> consumer(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        CloudEventDeserializer values = new CloudEventDeserializer();
        values.configure(Map.of(), false);
        return new KafkaConsumer<>(p, new StringDeserializer(), values);
    }

    static double pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
