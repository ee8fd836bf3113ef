package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The backlog gate against a real Kafka: a watched consumer group that is consuming but 10,000 records behind makes
 * the gateway answer 503 {@code overloaded} with a Retry-After at once, without logging or publishing anything; once
 * the group has caught up, deliveries are accepted again.
 */
@QuarkusTest
class OverloadSheddingTest {

    @Test
    void aConsumerFarBehindTurnsDeliveriesAwayUntilItCatchesUp() throws Exception {
        String[] watched = ConfigProvider.getConfig().getValue("triggers.overload.watch", String.class).split(":");
        String topic = watched[0];
        String group = watched[1];
        TopicPartition partition = new TopicPartition(topic, 0);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClient.BOOTSTRAP);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(java.util.List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            produce(topic, 10_000);
            String id = (String) WebhookIngressTest.created("{\"name\":\"overload\",\"tenantId\":\""
                    + WebhookIngressTest.tenant() + "\",\"eventName\":\"overload\",\"auth\":{\"type\":\"none\"}}")
                    .get("id");
            assertThat(deliver(id).statusCode()).as("caught up: nothing is refused").isEqualTo(202);

            // The group consumes, slowly: ~100 records per 0.2 s while 10,000 wait, so it needs ~20 s to catch up.
            long[] committed = { 0 };
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                committed[0] += 100;
                commit(admin, group, partition, committed[0]);
                return deliver(id).statusCode() == 503;
            });
            Response refused = deliver(id);
            refused.then().statusCode(503).contentType("application/problem+json").body("code", is("overloaded"));
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(3, 60);
            assertThat(metric("triggers_ingress_shed_total")).isGreaterThan(0);
            given().header("Authorization", "Bearer test-admin-token")
                    .get("/api/v1/endpoints/" + id + "/events?status=503")
                    .then().statusCode(200).body("items.size()", is(0));

            commit(admin, group, partition, 10_000);
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> deliver(id).statusCode() == 202);
        }
    }

    private static Response deliver(String id) {
        return given().contentType("application/json").body("{\"a\":1}").post("/webhooks/" + id);
    }

    private static void produce(String topic, int count) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClient.BOOTSTRAP);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] { 1 }));
            }
            producer.flush();
        }
    }

    private static void commit(Admin admin, String group, TopicPartition partition, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(offset)))
                .all().get(10, TimeUnit.SECONDS);
    }

    private static double metric(String name) {
        String body = given().get("/q/metrics").asString();
        return body.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
