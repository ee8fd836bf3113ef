package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 3,000 messages published over AMQP 0-9-1 (the RabbitMQ Java client, a header carrying the tenant) to the queue two
 * queue-consumer replicas read as competing consumers; one replica is killed with SIGKILL while it holds
 * unacknowledged deliveries. RabbitMQ redelivers them to the survivor, and every message becomes exactly one
 * succeeded run: a redelivered message that was already published ends as a duplicate, never as a second run.
 */
class RabbitmqConsumerFailoverIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher",
            "governance-service", "queue-consumer");
    static final String TENANT = "e2e-rabbit-" + StackProcesses.SUFFIX;
    static final int MESSAGES = 3_000;
    static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
        STACK.startReplica("queue-consumer-2", "queue-consumer");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setUsername("guest");
        factory.setPassword("guest");
        connection = factory.newConnection("e2e-rabbit-publisher");
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        STACK.stop();
    }

    @Test
    void everyMessageBecomesExactlyOneRunThroughAConsumerCrash() throws Exception {
        given().baseUri(STACK.url("runtime-simulator")).contentType("application/json")
                .body("{\"latencyMs\":0}").put("/v1/config").then().statusCode(200);
        // Both replicas consume the queue their source declared.
        Awaitility.await("both replicas consume").atMost(60, TimeUnit.SECONDS).until(() -> {
            try (Channel ch = connection.createChannel()) {
                return ch.queueDeclarePassive(StackProcesses.RABBIT_QUEUE).getConsumerCount() == 2;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        AtomicInteger sent = new AtomicInteger();
        Thread producer = new Thread(() -> {
            try (Channel ch = connection.createChannel()) {
                ch.confirmSelect();
                for (int i = 0; i < MESSAGES; i++) {
                    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("m-" + i)
                            .deliveryMode(2).contentType("application/json").headers(Map.of("tenant", TENANT))
                            .build();
                    ch.basicPublish("", StackProcesses.RABBIT_QUEUE, props, ("{\"type\":\"rabbit.e" + (i % 5)
                            + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                    if (sent.incrementAndGet() % 100 == 0) {
                        // Confirmed in batches of 100: the stream stays paced by the broker, not by a clock.
                        ch.waitForConfirmsOrDie(10_000);
                    }
                }
                ch.waitForConfirmsOrDie(10_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "e2e-rabbit-producer");
        producer.start();

        // Killed while it holds deliveries it has not acknowledged (in flight to Kafka), when the timing allows.
        Awaitility.await("the second replica published a share").atMost(90, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    double published = QueueConsumerFailoverIT.metric(STACK, "queue-consumer-2",
                            "triggers_queue_events_published_total", "e2e-rabbit");
                    return published >= 300 && (sent.get() >= MESSAGES * 3 / 4 || QueueConsumerFailoverIT.metric(
                            STACK, "queue-consumer-2", "triggers_queue_in_flight", "e2e-rabbit") > 0);
                });
        STACK.kill("queue-consumer-2");
        int sentAtKill = sent.get();
        producer.join(120_000);
        assertThat(sent.get()).isEqualTo(MESSAGES);

        QueueConsumerFailoverIT.ExactlyOnce result = QueueConsumerFailoverIT.exactlyOnce(STACK, TENANT, MESSAGES);
        double redelivered = QueueConsumerFailoverIT.metric(STACK, "queue-consumer", "triggers_queue_redeliveries_total",
                "e2e-rabbit");
        System.out.printf("rabbitmq failover: %d messages (%d sent when the replica died), %d runs, %d duplicates, "
                + "%.0f deliveries redelivered to the survivor%n", MESSAGES, sentAtKill, result.runs(),
                result.duplicates(), redelivered);
        assertThat(result.problems()).isEmpty();
        assertThat(redelivered).as("the killed replica's unacknowledged deliveries came back").isPositive();
    }
}
