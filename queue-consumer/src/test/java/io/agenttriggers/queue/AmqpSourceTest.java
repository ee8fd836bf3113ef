package io.agenttriggers.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The amqp-team source against the real RabbitMQ over AMQP 1.0, fed by an ordinary AMQP 1.0 client. */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class AmqpSourceTest {

    static Vertx vertx;
    static AmqpConnection connection;
    static final Map<String, AmqpSender> SENDERS = new ConcurrentHashMap<>();

    @BeforeAll
    static void connect() throws Exception {
        InboundEvents.start();
        SENDERS.clear();
        vertx = Vertx.vertx();
        AmqpClient client = AmqpClient.create(vertx, new AmqpClientOptions().setHost("127.0.0.1").setPort(5672)
                .setUsername("guest").setPassword("guest"));
        connection = client.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    static String address() {
        return ConfigProvider.getConfig().getValue("triggers.queue.sources.amqp-team.amqp.address",
                String.class);
    }

    /**
     * Sends as a RabbitMQ AMQP 1.0 publisher does to an existing queue: {@code /amq/queue/<name>} (a bare name would
     * declare the queue again, non-durable, which RabbitMQ refuses for the source's durable queue).
     */
    static void send(String queue, AmqpMessage message) throws Exception {
        AmqpSender sender = SENDERS.computeIfAbsent(queue, q -> {
            try {
                return connection.createSender("/amq/queue/" + q).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.sendWithAck(message).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void messageFromAnOrdinaryClientBecomesATriggerEvent() throws Exception {
        String id = "amqp-" + UUID.randomUUID();
        send(address(), AmqpMessage.create().withBody(new JsonObject().put("id", id).put("type", "ticket.opened")
                .put("priority", 2).encode()).applicationProperties(new JsonObject().put("tenant", "acme"))
                .id("msg-" + id).durable(true).build());

        TriggerEvent event = await().atMost(Duration.ofSeconds(20))
                .until(() -> InboundEvents.first(e -> id.equals(e.dedupKey())), o -> o.isPresent()).get();
        assertThat(event.type()).isEqualTo(TriggerType.QUEUE);
        assertThat(event.source()).isEqualTo("/queue/amqp-team");
        assertThat(event.eventName()).isEqualTo("ticket.opened");
        assertThat(event.tenantId()).isEqualTo("acme");
        assertThat(event.data().payload().get("priority").asInt()).isEqualTo(2);
        assertThat(event.data().headers()).containsEntry("queue.messageId", "msg-" + id)
                .containsEntry("queue.address", address()).containsKey("queue.receivedAt");
    }

    @Test
    void malformedMessageGoesToTheDeadLetterAddressAndItsNeighbourStillArrives() throws Exception {
        List<String> deadLetters = new CopyOnWriteArrayList<>();
        connection.createReceiver(address() + ".dead-letter", new AmqpReceiverOptions().setDurable(false))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .handler(m -> deadLetters.add(m.applicationProperties().getString("dead-letter-reason") + "|"
                        + m.id()));
        String bad = "bad-" + UUID.randomUUID();
        String good = "good-" + UUID.randomUUID();
        send(address(), AmqpMessage.create().withBody("{not json").id(bad).build());
        send(address(), AmqpMessage.create().withBody(new JsonObject().put("id", good).put("type", "t").encode())
                .build());

        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.stream().anyMatch(d -> d.endsWith("|" + bad)));
        assertThat(deadLetters.stream().filter(d -> d.endsWith("|" + bad)).findFirst().get())
                .startsWith("not valid JSON");
        await().atMost(Duration.ofSeconds(20)).until(() -> InboundEvents.first(e -> good.equals(e.dedupKey()))
                .isPresent());
    }
}
