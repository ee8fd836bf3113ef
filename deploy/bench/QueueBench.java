import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The queue-consumer benchmark's helper (not a test; run by deploy/bench/queue-consumer.sh):
 *
 *   fill-kafka BOOTSTRAP TOPIC N           N team messages on a topic
 *   copy-kafka BOOTSTRAP IN OUT N          the plain copy: consumer → producer (acks=all, idempotent), offsets
 *                                          committed per poll after the batch is acknowledged — what a team would
 *                                          write by hand
 *   fill-amqp  HOST QUEUE N                N team messages on a RabbitMQ queue (AMQP 1.0)
 *   copy-amqp  HOST QUEUE BOOTSTRAP OUT N PREFETCH
 *                                          the plain copy: AMQP receiver → Kafka producer, accepted after Kafka's ack
 *   span       BOOTSTRAP TOPIC N TIMEOUT_S  reads N records and prints the rate over their producer timestamps
 */
public class QueueBench {

    static byte[] body(int i) {
        return ("{\"id\":\"m-" + i + "\",\"type\":\"bench.e" + (i % 5) + "\",\"n\":" + i
                + ",\"customer\":{\"name\":\"Ada\",\"tier\":\"gold\"},\"items\":[1,2,3]}").getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "fill-kafka" -> fillKafka(a[1], a[2], Integer.parseInt(a[3]));
            case "copy-kafka" -> copyKafka(a[1], a[2], a[3], Integer.parseInt(a[4]));
            case "fill-amqp" -> fillAmqp(a[1], a[2], Integer.parseInt(a[3]));
            case "copy-amqp" -> copyAmqp(a[1], a[2], a[3], a[4], Integer.parseInt(a[5]), Integer.parseInt(a[6]));
            case "span" -> span(a[1], a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            default -> throw new IllegalArgumentException(a[0]);
        }
        System.exit(0);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, boolean durable) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, durable ? "all" : "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, String.valueOf(durable));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static void fillKafka(String bootstrap, String topic, int n) {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, false)) {
            for (int i = 0; i < n; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, ("k" + (i % 97)).getBytes(), body(i));
                r.headers().add("tenant", "bench".getBytes(StandardCharsets.UTF_8));
                p.send(r);
            }
            p.flush();
        }
    }

    static void copyKafka(String bootstrap, String in, String out, int n) throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-copy-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        int copied = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
                KafkaProducer<byte[], byte[]> producer = producer(bootstrap, true)) {
            consumer.subscribe(List.of(in));
            while (copied < n) {
                var records = consumer.poll(Duration.ofMillis(200));
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    producer.send(new ProducerRecord<>(out, null, r.key(), r.value(), r.headers()), (m, e) -> {
                        if (e == null) {
                            f.complete(null);
                        } else {
                            f.completeExceptionally(e);
                        }
                    });
                    acks.add(f);
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
                if (!offsets.isEmpty()) {
                    consumer.commitSync(offsets);
                }
                copied += records.count();
            }
        }
    }

    static AmqpConnection amqp(Vertx vertx, String host) throws Exception {
        return AmqpClient.create(vertx, new AmqpClientOptions().setHost(host).setPort(5672).setUsername("guest")
                .setPassword("guest")).connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void fillAmqp(String host, String queue, int n) throws Exception {
        Vertx vertx = Vertx.vertx();
        AmqpConnection conn = amqp(vertx, host);
        // Attaching a durable receiver declares the durable queue (RabbitMQ, bare address); paused, it settles
        // nothing, and whatever the broker pushed to it goes back to the queue when this process exits.
        conn.createReceiver(queue, new AmqpReceiverOptions().setDurable(true).setAutoAcknowledgement(false))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).pause();
        AmqpSender sender = conn.createSender("/amq/queue/" + queue).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        AtomicInteger acked = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        int window = 500;
        AtomicInteger next = new AtomicInteger();
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= n) {
                return;
            }
            AmqpMessage m = AmqpMessage.create().withBufferAsBody(Buffer.buffer(body(i))).durable(true)
                    .id("m-" + i).applicationProperties(new JsonObject().put("tenant", "bench")).build();
            sender.sendWithAck(m).onComplete(ar -> {
                if (acked.incrementAndGet() == n) {
                    done.countDown();
                }
                pump[0].run();
            });
        };
        vertx.runOnContext(v -> {
            for (int i = 0; i < window; i++) {
                pump[0].run();
            }
        });
        done.await(10, TimeUnit.MINUTES);
    }

    static void copyAmqp(String host, String queue, String bootstrap, String out, int n, int prefetch)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        AmqpConnection conn = amqp(vertx, host);
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap, true);
        AtomicInteger copied = new AtomicInteger();
        AtomicInteger unsettled = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        var receiver = conn.createReceiver(queue, new AmqpReceiverOptions().setDurable(true)
                .setAutoAcknowledgement(false).setMaxBufferedMessages(prefetch)).toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        var context = vertx.getOrCreateContext();
        boolean[] paused = {false};
        receiver.handler(m -> {
            if (unsettled.incrementAndGet() >= prefetch && !paused[0]) {
                receiver.pause();
                paused[0] = true;
            }
            byte[] value = m.bodyAsBinary().getBytes();
            producer.send(new ProducerRecord<>(out, value), (md, e) -> context.runOnContext(v -> {
                m.accepted();
                unsettled.decrementAndGet();
                if (paused[0] && unsettled.get() < prefetch) {
                    receiver.resume();
                    paused[0] = false;
                }
                if (copied.incrementAndGet() == n) {
                    done.countDown();
                }
            }));
        });
        done.await(10, TimeUnit.MINUTES);
        producer.close();
    }

    static void span(String bootstrap, String topic, int n, int timeoutSeconds) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-span-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int count = 0;
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            while (count < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    count++;
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                }
            }
        }
        long spanMs = Math.max(1, last - first);
        System.out.printf("count=%d span_ms=%d rate_per_s=%.0f%n", count, spanMs, count * 1000.0 / spanMs);
    }
}
