package io.agenttriggers.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.queue.source.SourceManager;
import io.agenttriggers.queue.source.SourceRunner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queue part of workflow deployments against the real Kafka, PostgreSQL and GreenMail: what a tenant's document
 * may not do, a deployed Kafka source and mailbox running and stamping their events with the workflow, a new
 * revision restarting a source, a mailbox another replica holds left alone, and removal stopping them.
 */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class DeploymentPartTest {

    static final String ADMIN = "Bearer test-admin-token";

    @Inject
    SourceManager manager;

    @Inject
    Pool pool;

    @BeforeAll
    static void open() {
        InboundEvents.start();
    }

    static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ValidatableResponse put(String tenant, String workflow, String triggers) {
        return given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 1, \"triggers\": " + triggers + "}")
                .put("/internal/v1/deployments/" + tenant + "/" + workflow).then();
    }

    static ValidatableResponse get(String tenant, String workflow) {
        return given().header("Authorization", ADMIN).get("/internal/v1/deployments/" + tenant + "/" + workflow)
                .then();
    }

    @Test
    void aTenantsSourcesReadOnlyItsOwnTopicsAndHostsAndCarryNoCredentialSoNothingOfABadPartIsKept() {
        String tenant = tenant();
        put(tenant, "greedy", """
                [{"name": "other", "type": "kafka", "eventName": {"value": "e"}, "kafka": {"topic": "globex.orders"}},
                 {"name": "internal", "type": "kafka", "eventName": {"value": "e"}, "kafka": {"topic": "triggers.inbound"}},
                 {"name": "props", "type": "kafka", "eventName": {"value": "e"}, "concurrency": 64,
                  "kafka": {"topic": "%1$s.a", "groupId": "steal", "properties": {"sasl.jaas.config": "x"}}},
                 {"name": "broker", "type": "amqp", "eventName": {"value": "e"},
                  "amqp": {"address": "%1$s.q", "host": "rabbit.example.com"}},
                 {"name": "clear", "type": "imap", "eventName": {"value": "e"},
                  "imap": {"host": "imap.example.com", "username": "u", "password": "hunter2"}},
                 {"name": "missing", "type": "imap", "eventName": {"value": "e"},
                  "imap": {"host": "169.254.169.254", "username": "u", "password": "secret:nope"}},
                 {"name": "theirs", "type": "kafka", "eventName": {"value": "e"}, "tenantId": {"header": "tenant"},
                  "kafka": {"topic": "%1$s.b"}}]
                """.formatted(tenant)).statusCode(422).body("code", is("invalid_deployment_part"))
                .body("errors.field", containsInAnyOrder("triggers[6].tenantId"));
        put(tenant, "greedy", """
                [{"name": "other", "type": "kafka", "eventName": {"value": "e"}, "kafka": {"topic": "globex.orders"}},
                 {"name": "internal", "type": "kafka", "eventName": {"value": "e"}, "kafka": {"topic": "triggers.inbound"}},
                 {"name": "props", "type": "kafka", "eventName": {"value": "e"}, "concurrency": 64,
                  "kafka": {"topic": "%1$s.a", "groupId": "steal", "properties": {"sasl.jaas.config": "x"}}},
                 {"name": "broker", "type": "amqp", "eventName": {"value": "e"},
                  "amqp": {"address": "%1$s.q", "host": "rabbit.example.com"}},
                 {"name": "clear", "type": "imap", "eventName": {"value": "e"},
                  "imap": {"host": "imap.example.com", "username": "u", "password": "hunter2"}},
                 {"name": "missing", "type": "imap", "eventName": {"value": "e"},
                  "imap": {"host": "169.254.169.254", "username": "u", "password": "secret:nope"}}]
                """.formatted(tenant)).statusCode(422)
                .body("errors.field", containsInAnyOrder("triggers[0].kafka.topic", "triggers[1].kafka.topic",
                        "triggers[2].concurrency", "triggers[2].kafka.groupId", "triggers[2].kafka.properties",
                        "triggers[3].amqp.host", "triggers[4].imap.password", "triggers[5].imap.host",
                        "triggers[5].imap.password"))
                .body("errors.find { it.field == 'triggers[0].kafka.topic' }.message", startsWith("must start with "
                        + tenant + "."))
                .body("errors.find { it.field == 'triggers[1].kafka.topic' }.message", startsWith("is internal"));
        get(tenant, "greedy").statusCode(200).body("items", empty());
        given().header("Authorization", "Bearer test-iso-admin").contentType("application/json")
                .body("{\"version\": 1, \"triggers\": []}").put("/internal/v1/deployments/" + tenant + "/greedy")
                .then().statusCode(403);
    }

    @Test
    void aDeployedKafkaSourceRunsOnTheReplicaStampsTheWorkflowAndGoesWhenRemoved() throws Exception {
        String tenant = tenant();
        String topic = tenant + ".orders";
        String source = tenant + ":orders-flow:stream";
        String trigger = """
                [{"name": "stream", "type": "kafka", "eventName": {"value": "%s"}, "dedupKey": {"jsonPath": "$.id"},
                  "kafka": {"topic": "%s", "startOffset": "earliest"}}]
                """;
        put(tenant, "orders-flow", trigger.formatted("order.created", topic)).statusCode(200)
                .body("items[0].action", is("created")).body("items[0].id", is(source));
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.runner(source).map(SourceRunner::state)
                .orElse(null) == SourceRunner.State.RUNNING);
        long first = manager.runner(source).orElseThrow().revision();

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            String id = "o-" + UUID.randomUUID();
            producer.send(new ProducerRecord<>(topic, "{\"id\":\"" + id + "\"}")).get();
            TriggerEvent e = await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(ev ->
                    id.equals(ev.dedupKey())), o -> o.isPresent()).get();
            assertThat(e.tenantId()).isEqualTo(tenant);
            assertThat(e.workflowId()).isEqualTo("orders-flow");
            assertThat(e.type()).isEqualTo(TriggerType.QUEUE);
            assertThat(e.eventName()).isEqualTo("order.created");
        }
        // The tenant's own token sees it in the sources list; it names its workflow.
        given().header("Authorization", ADMIN).get("/api/v1/sources/" + source).then().statusCode(200)
                .body("workflowId", is("orders-flow")).body("tenantId", is("\"" + tenant + "\""));

        // Unchanged: nothing restarts. Changed: a new revision runs.
        put(tenant, "orders-flow", trigger.formatted("order.created", topic)).statusCode(200)
                .body("items[0].action", is("unchanged"));
        put(tenant, "orders-flow", trigger.formatted("order.placed", topic)).statusCode(200)
                .body("items[0].action", is("updated"));
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.runner(source).map(r -> r.revision() > first
                && r.state() == SourceRunner.State.RUNNING).orElse(false));
        get(tenant, "orders-flow").statusCode(200).body("items", hasSize(1))
                .body("items[0].observed.state", is("running"))
                .body("items[0].observed.address", org.hamcrest.Matchers.containsString("/" + topic + " "));
        given().header("Authorization", ADMIN).queryParam("origin", "deployed").queryParam("workflowId", "orders-flow")
                .get("/api/v1/sources").then().statusCode(200)
                .body("items.name", org.hamcrest.Matchers.hasItem(source));

        given().header("Authorization", ADMIN).delete("/internal/v1/deployments/" + tenant + "/orders-flow").then()
                .statusCode(200).body("items[0].action", is("deleted"));
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.runner(source).isEmpty());
        given().header("Authorization", ADMIN).get("/api/v1/sources/" + source).then().statusCode(404);
    }

    @Test
    void aDeployedMailboxIsPolledByTheReplicaHoldingItsLeaseWithTheTenantsSecret() throws Exception {
        String tenant = tenant();
        String source = tenant + ":support:mail";
        Path secrets = Path.of("target/tenant-secrets", tenant);
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("mailbox"), InJvmServers.IMAP_PASSWORD + "\n", StandardCharsets.UTF_8);
        // Another replica polls this mailbox already.
        pool.preparedQuery("insert into queue.mailbox_leases (source, owner, expires_at) values ($1, 'other-replica', "
                + "now() + interval '1 hour')").execute(Tuple.of(source)).await().indefinitely();
        String user = "deployed-" + UUID.randomUUID().toString().substring(0, 8) + "@triggers.test";
        InJvmServers.mail.setUser(user, user, InJvmServers.IMAP_PASSWORD);
        put(tenant, "support", """
                [{"name": "mail", "type": "imap", "eventName": {"value": "email.received"},
                  "imap": {"host": "127.0.0.1", "port": %d, "ssl": false, "username": "%s",
                           "password": "secret:mailbox", "pollInterval": "PT0.3S"}}]
                """.formatted(InJvmServers.mail.getImap().getPort(), user)).statusCode(200);
        String ticket = UUID.randomUUID().toString();
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(InJvmServers.mail.getSmtp().getPort()));
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("customer@example.com"));
        m.setRecipients(Message.RecipientType.TO, user);
        m.setSubject("help " + ticket);
        m.setText("hello");
        Transport.send(m);

        await().atMost(Duration.ofSeconds(30)).until(() -> manager.runner(source).map(SourceRunner::state)
                .orElse(null) == SourceRunner.State.STANDBY);
        Thread.sleep(1500);
        assertThat(InboundEvents.first(ev -> ev.data().payload().path("subject").asText().contains(ticket)))
                .isEmpty();

        // That replica's lease runs out: this one takes the mailbox over.
        pool.preparedQuery("update queue.mailbox_leases set expires_at = now() - interval '1 second' where source = $1")
                .execute(Tuple.of(source)).await().indefinitely();
        TriggerEvent e = await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(ev ->
                ev.data().payload().path("subject").asText().contains(ticket)), o -> o.isPresent()).get();
        assertThat(e.type()).isEqualTo(TriggerType.EMAIL);
        assertThat(e.tenantId()).isEqualTo(tenant);
        assertThat(e.workflowId()).isEqualTo("support");
        assertThat(pool.preparedQuery("select owner from queue.mailbox_leases where source = $1").execute(Tuple.of(source))
                .await().indefinitely().iterator().next().getString(0)).isNotEqualTo("other-replica");
        // The password is read at start only; the part shows the reference, never the value.
        get(tenant, "support").statusCode(200).body("items[0].observed.source", is(source));
        assertThat(given().header("Authorization", ADMIN).get("/internal/v1/deployments/" + tenant + "/support")
                .asString()).doesNotContain(InJvmServers.IMAP_PASSWORD);

        given().header("Authorization", ADMIN).delete("/internal/v1/deployments/" + tenant + "/support").then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.runner(source).isEmpty());
    }
}
