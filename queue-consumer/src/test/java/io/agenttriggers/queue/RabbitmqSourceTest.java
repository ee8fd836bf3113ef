package io.agenttriggers.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rabbitmq sources against the real RabbitMQ over AMQP 0-9-1, fed by the RabbitMQ Java client as any 0-9-1
 * publisher (amqplib, pika, Spring AMQP) would: rabbit-team declares its topic exchange, queue and DLX; rabbit-plain
 * has no DLX and publishes failures to its dead-letter queue; rabbit-requeue reads a queue the test declares and
 * gives failures back.
 */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class RabbitmqSourceTest {

    static final String ADMIN = "Bearer test-admin-token";
    static Connection connection;
    static Channel channel;

    @Inject
    MeterRegistry registry;

    static String property(String key) {
        return ConfigProvider.getConfig().getValue("triggers.queue.sources." + key, String.class);
    }

    @BeforeAll
    static void connect() throws Exception {
        InboundEvents.start();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setUsername("guest");
        factory.setPassword("guest");
        connection = factory.newConnection("rabbitmq-source-test");
        channel = connection.createChannel();
        channel.confirmSelect();
        channel.queueDeclare(property("rabbit-requeue.rabbitmq.queue"), true, false, false, null);
    }

    @AfterAll
    static void close() throws Exception {
        // The queues stay, classic and empty, like the other tests' (deleting one under its consumer would only make
        // the source reconnect for the rest of the run).
        connection.close();
    }

    static void publish(String exchange, String routingKey, AMQP.BasicProperties props, String body)
            throws Exception {
        channel.basicPublish(exchange, routingKey, props, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
    }

    /**
     * One message from a queue that may not exist yet (a source without a DLX declares its dead-letter queue with its
     * first failure): a 404 closes the channel it happened on, so each try takes a channel of its own and a missing
     * queue reads as no message.
     */
    static GetResponse take(String queue) throws Exception {
        Channel own = connection.createChannel();
        try {
            return own.basicGet(queue, true);
        } catch (java.io.IOException notYetDeclared) {
            return null;
        } finally {
            if (own.isOpen()) {
                own.close();
            }
        }
    }

    static String exchange() {
        return property("rabbit-team.rabbitmq.declare.exchange");
    }

    static String queue() {
        return property("rabbit-team.rabbitmq.queue");
    }

    /** Waits until the source has declared its topology and consumes (its queue exists). */
    static void awaitConsuming(String source) {
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(given().header("Authorization", ADMIN)
                .get("/api/v1/sources/" + source).then().extract().path("state")));
    }

    @Test
    void headersAndPropertiesOfA091PublisherBecomeTenantEventAndDedupKey() throws Exception {
        awaitConsuming("rabbit-team");
        String id = "rmq-" + UUID.randomUUID();
        publish(exchange(), "team.tickets", new AMQP.BasicProperties.Builder().messageId(id).type("ticket.opened")
                .appId("helpdesk").contentType("application/json").deliveryMode(2)
                .headers(Map.of("tenant", "acme", "trace-id", "t-1")).build(), "{\"priority\":2}");

        TriggerEvent event = await().atMost(Duration.ofSeconds(20))
                .until(() -> InboundEvents.first(e -> id.equals(e.dedupKey())), o -> o.isPresent()).get();
        assertThat(event.type()).isEqualTo(TriggerType.QUEUE);
        assertThat(event.source()).isEqualTo("/queue/rabbit-team");
        assertThat(event.tenantId()).as("the tenant header reaches the event").isEqualTo("acme");
        assertThat(event.eventName()).as("from the message's type property").isEqualTo("ticket.opened");
        assertThat(event.data().payload().get("priority").asInt()).isEqualTo(2);
        assertThat(event.data().headers()).containsEntry("tenant", "acme")
                .containsEntry("amqp.routing-key", "team.tickets").containsEntry("queue.queue", queue())
                .containsEntry("queue.redelivered", "false").doesNotContainKey("trace-id");
    }

    @Test
    void aMessageThatIsNotAnEventIsRejectedIntoTheDeadLetterExchangeAndItsNeighbourArrives() throws Exception {
        awaitConsuming("rabbit-team");
        String bad = "bad-" + UUID.randomUUID();
        String good = "good-" + UUID.randomUUID();
        publish(exchange(), "team.x", new AMQP.BasicProperties.Builder().messageId(bad).type("t").build(),
                "{not json");
        publish(exchange(), "team.x", new AMQP.BasicProperties.Builder().messageId(good).type("t").build(), "{}");

        await().atMost(Duration.ofSeconds(20)).until(() -> InboundEvents.first(e -> good.equals(e.dedupKey()))
                .isPresent());
        String dlq = queue() + ".dead-letter";
        GetResponse letter = await().atMost(Duration.ofSeconds(20)).until(() -> take(dlq),
                r -> r != null && bad.equals(r.getProps().getMessageId()));
        assertThat(new String(letter.getBody(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        // RabbitMQ's x-death header says where it came from and why: rejected from the source's queue.
        @SuppressWarnings("unchecked")
        var deaths = (java.util.List<Map<String, Object>>) letter.getProps().getHeaders().get("x-death");
        assertThat(deaths.get(0).get("reason").toString()).isEqualTo("rejected");
        assertThat(deaths.get(0).get("queue").toString()).isEqualTo(queue());
        assertThat(InboundEvents.first(e -> bad.equals(e.dedupKey()))).isEmpty();
    }

    @Test
    void withoutADeadLetterExchangeAFailureIsPublishedToTheDeadLetterQueueWithItsReason() throws Exception {
        awaitConsuming("rabbit-plain");
        String plain = property("rabbit-plain.rabbitmq.queue");
        String bad = "plain-" + UUID.randomUUID();
        publish("", plain, new AMQP.BasicProperties.Builder().messageId(bad).headers(Map.of("tenant", "acme"))
                .build(), "[1, 2");
        GetResponse letter = await().atMost(Duration.ofSeconds(20)).until(() -> take(plain
                + ".dead-letter"), r -> r != null && bad.equals(r.getProps().getMessageId()));
        assertThat(letter.getProps().getHeaders().get("dead-letter-reason").toString()).startsWith("not valid JSON");
        assertThat(letter.getProps().getHeaders().get("dead-letter-source").toString()).isEqualTo("rabbit-plain");
        assertThat(letter.getProps().getHeaders().get("tenant").toString()).isEqualTo("acme");
        assertThat(channel.queueDeclarePassive(plain).getMessageCount()).as("acknowledged once written").isZero();
    }

    @Test
    void requeuedFailuresComeBackMarkedRedeliveredAndAreCounted() throws Exception {
        awaitConsuming("rabbit-requeue");
        String requeueQueue = property("rabbit-requeue.rabbitmq.queue");
        double before = redeliveries("rabbit-requeue");
        publish("", requeueQueue, new AMQP.BasicProperties.Builder().messageId("r-" + UUID.randomUUID()).build(),
                "{not json");
        await().atMost(Duration.ofSeconds(20)).until(() -> redeliveries("rabbit-requeue") >= before + 2);
        // Pausing stops the loop: the message is back in the queue, nothing lost.
        given().header("Authorization", ADMIN).post("/api/v1/sources/rabbit-requeue/pause").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.queueDeclarePassive(requeueQueue)
                .getMessageCount() == 1);
        channel.queuePurge(requeueQueue);

        // Paused, a good message waits in the queue; resumed, it becomes an event.
        String id = "p-" + UUID.randomUUID();
        publish("", requeueQueue, new AMQP.BasicProperties.Builder().messageId(id).build(), "{\"type\":\"x\"}");
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
                .until(() -> InboundEvents.first(e -> e.dedupKey() != null && e.dedupKey().endsWith(id)).isEmpty()
                        && channel.queueDeclarePassive(requeueQueue).getMessageCount() == 1);
        given().header("Authorization", ADMIN).post("/api/v1/sources/rabbit-requeue/resume").then().statusCode(200);
        TriggerEvent event = await().atMost(Duration.ofSeconds(20))
                .until(() -> InboundEvents.first(e -> e.dedupKey() != null && e.dedupKey().endsWith(id)),
                        o -> o.isPresent()).get();
        assertThat(event.dedupKey()).as("the message id, when no dedup rule is set")
                .isEqualTo("queue:rabbit-requeue:" + id);
    }

    double redeliveries(String source) {
        var counter = registry.find("triggers.queue.redeliveries").tag("source", source).counter();
        return counter == null ? 0 : counter.count();
    }
}
