package io.agenttriggers.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.queue.source.SourceManager;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kafka-team source against the local KRaft broker, fed by a plain Kafka producer. */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class KafkaSourceTest {

    static final String ADMIN = "Bearer test-admin-token";
    static KafkaProducer<String, String> producer;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void open() {
        InboundEvents.start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    static String topic() {
        return ConfigProvider.getConfig().getValue("triggers.queue.sources.kafka-team.kafka.topic", String.class);
    }

    static void send(String value, String... headers) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic(), null, value);
        for (int i = 0; i < headers.length; i += 2) {
            record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record).get();
    }

    static TriggerEvent awaitEvent(java.util.function.Predicate<TriggerEvent> p) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(p), o -> o.isPresent()).get();
    }

    @Test
    void recordBecomesAnEventWithNameTenantDedupKeyAndAllowListedHeaders() throws Exception {
        String id = "evt-" + UUID.randomUUID();
        send("{\"id\":\"" + id + "\",\"type\":\"order.created\",\"total\":42}", "tenant", "acme", "trace-id", "t-1",
                "authorization", "not-for-the-agent");

        TriggerEvent e = awaitEvent(ev -> id.equals(ev.dedupKey()));
        assertThat(e.type()).isEqualTo(TriggerType.QUEUE);
        assertThat(e.source()).isEqualTo("/queue/kafka-team");
        assertThat(e.eventName()).isEqualTo("order.created");
        assertThat(e.tenantId()).isEqualTo("acme");
        assertThat(e.partitionKey()).isEqualTo("acme:order.created");
        assertThat(e.data().payload().get("total").asInt()).isEqualTo(42);
        assertThat(e.data().headers()).containsEntry("tenant", "acme").containsEntry("trace-id", "t-1")
                .containsEntry("queue.topic", topic()).containsKeys("queue.partition", "queue.offset",
                        "queue.messageId", "queue.receivedAt")
                .doesNotContainKey("authorization");
    }

    @Test
    void withoutTenantHeaderOrIdTheDefaultsApply() throws Exception {
        String marker = UUID.randomUUID().toString();
        send("{\"type\":\"defaults.checked\",\"marker\":\"" + marker + "\"}");

        TriggerEvent e = awaitEvent(ev -> ev.data().payload().path("marker").asText().equals(marker));
        assertThat(e.tenantId()).isEqualTo("demo");
        // No id in the body: the record's own identity is the dedup key, so a redelivery is a duplicate.
        assertThat(e.dedupKey()).isEqualTo("queue:kafka-team:" + topic() + "/" + e.data().headers()
                .get("queue.partition") + "/" + e.data().headers().get("queue.offset"));
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndNeighboursStillArrive() throws Exception {
        List<String> deadLetters = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
        deadLetterReader(topic() + ".dead-letter", deadLetters, reading);
        String bad = "bad-" + UUID.randomUUID();
        String noType = UUID.randomUUID().toString();
        String good = "good-" + UUID.randomUUID();
        send("{\"id\":\"" + bad + "\", broken");
        send("{\"id\":\"" + noType + "\"}");
        send("{\"id\":\"" + good + "\",\"type\":\"after.bad\"}");

        awaitEvent(ev -> good.equals(ev.dedupKey()));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.stream().anyMatch(d -> d.contains(bad))
                && deadLetters.stream().anyMatch(d -> d.contains(noType)));
        assertThat(deadLetters.stream().filter(d -> d.contains(noType)).findFirst().get())
                .startsWith("eventName: $.type is absent from the message|");
        assertThat(InboundEvents.matching(ev -> bad.equals(ev.dedupKey()) || noType.equals(ev.dedupKey()))).isEmpty();
        reading.set(false);

        given().header("Authorization", ADMIN).get("/api/v1/sources/kafka-team").then().statusCode(200)
                .body("recentFailures.find { it.reason.startsWith('eventName') }.action", equalTo("dead-letter"));
    }

    @Test
    void pausedSourceConsumesNothingUntilResumedAndThePauseIsSharedInRedis() throws Exception {
        given().header("Authorization", ADMIN).post("/api/v1/sources/kafka-team/pause").then().statusCode(200)
                .body("paused", equalTo(true));
        try {
            assertThat(redis.hash(String.class).hget(SourceManager.PAUSED_KEY, "kafka-team")).isNotNull();
            String id = "paused-" + UUID.randomUUID();
            // Sent right after the pause was acknowledged: a consumer still in its poll holds what it fetched.
            send("{\"id\":\"" + id + "\",\"type\":\"while.paused\"}");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> InboundEvents.first(ev -> id.equals(ev.dedupKey())).isEmpty());

            given().header("Authorization", ADMIN).post("/api/v1/sources/kafka-team/resume").then().statusCode(200)
                    .body("paused", equalTo(false));
            awaitEvent(ev -> id.equals(ev.dedupKey()));
        } finally {
            given().header("Authorization", ADMIN).post("/api/v1/sources/kafka-team/resume");
        }
        assertThat(redis.hash(String.class).hget(SourceManager.PAUSED_KEY, "kafka-team")).isNull();
    }

    @Test
    void pauseRecordedInRedisByAnotherReplicaIsFollowed() {
        redis.hash(String.class).hset(SourceManager.PAUSED_KEY, "kafka-team", "another replica");
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", ADMIN)
                    .get("/api/v1/sources/kafka-team").then().body("paused", equalTo(true)));
        } finally {
            redis.hash(String.class).hdel(SourceManager.PAUSED_KEY, "kafka-team");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", ADMIN)
                .get("/api/v1/sources/kafka-team").then().body("paused", equalTo(false)));
    }

    private static void deadLetterReader(String topic, List<String> sink,
            java.util.concurrent.atomic.AtomicBoolean reading) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-dlq-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Thread t = new Thread(() -> {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                c.subscribe(List.of(topic));
                while (reading.get()) {
                    c.poll(Duration.ofMillis(200)).forEach(r -> sink.add(new String(
                            r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8) + "|"
                            + r.value()));
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
