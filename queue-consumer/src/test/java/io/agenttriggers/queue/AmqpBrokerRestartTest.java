package io.agenttriggers.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpMessage;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ is restarted (stop_app / start_app) while the amqp-team source has messages in flight: the source
 * reconnects by itself and every message still becomes an event (at least once; the dedup key makes repeats
 * duplicates downstream).
 */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class AmqpBrokerRestartTest {

    static final String ADMIN = "Bearer test-admin-token";
    static final int MESSAGES = 300;

    static void rabbitmqctl(String command) throws Exception {
        Process p = new ProcessBuilder("rabbitmqctl", "-q", command).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("rabbitmqctl " + command + " finished").isTrue();
        assertThat(p.exitValue()).as("rabbitmqctl " + command + ": " + new String(p.getInputStream().readAllBytes()))
                .isZero();
    }

    @Test
    void brokerRestartLosesNothing() throws Exception {
        AmqpSourceTest.connect();
        String batch = UUID.randomUUID().toString();
        given().header("Authorization", ADMIN).post("/api/v1/sources/amqp-team/pause").then().statusCode(200);
        try {
            for (int i = 0; i < MESSAGES; i++) {
                AmqpSourceTest.send(AmqpSourceTest.address(), AmqpMessage.create().durable(true)
                        .withBody(new JsonObject().put("id", batch + "-" + i).put("type", "restart.check").encode())
                        .build());
            }
        } finally {
            given().header("Authorization", ADMIN).post("/api/v1/sources/amqp-team/resume").then().statusCode(200);
        }
        // The broker goes down while the resumed source works through the queue.
        rabbitmqctl("stop_app");
        rabbitmqctl("start_app");
        AmqpSourceTest.close();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Set<String> keys = new HashSet<>();
            InboundEvents.matching(e -> e.dedupKey().startsWith(batch)).forEach(e -> keys.add(e.dedupKey()));
            return keys.size() == MESSAGES;
        });
        // And the source is back on its own after the restart.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().header("Authorization", ADMIN)
                .get("/api/v1/sources/amqp-team").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("running")));
        String id = "after-restart-" + UUID.randomUUID();
        AmqpSourceTest.connect();
        AmqpSourceTest.send(AmqpSourceTest.address(), AmqpMessage.create().durable(true)
                .withBody(new JsonObject().put("id", id).put("type", "restart.check").encode()).build());
        AmqpSourceTest.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(e -> id.equals(e.dedupKey()))
                .isPresent());
    }
}
