package io.agenttriggers.governance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InboundConsumerTest {

    static final String ADMIN = "Bearer test-admin-token";

    static String topic(String direction, String channel) {
        return ConfigProvider.getConfig().getValue("mp.messaging." + direction + ".\"" + channel + "\".topic",
                String.class);
    }

    /** The database outlives test runs: tenants that a test counts are new every run. */
    static String unique(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID();
    }

    static TriggerEvent event(String tenant) {
        return TriggerEvent.builder(TriggerType.API, "/api/hello", "hello.world", tenant)
                .data(TriggerData.of(JsonNodeFactory.instance.objectNode().put("name", "Ada")))
                .build();
    }

    @Test
    void approvesUnderTheDefaultPolicyRecordsTheDecisionAndForwardsTheEvent() {
        TriggerEvent event = event("tenant-a");
        KafkaTestClient.produce(topic("incoming", "triggers.inbound"), event.partitionKey(),
                TriggerEventCodec.toCloudEvent(event));

        ConsumerRecord<String, CloudEvent> forwarded = KafkaTestClient.awaitRecord(
                topic("outgoing", "triggers.approved"), r -> event.id().equals(r.value().getId()),
                Duration.ofSeconds(30));
        TriggerEvent approved = TriggerEventCodec.fromCloudEvent(forwarded.value());
        // The same event, carried on under governance's span (a new trace: the event came without one).
        assertThat(approved.withTraceparent(null)).isEqualTo(event);
        assertThat(io.agenttriggers.common.trace.TraceContext.traceId(approved.traceparent())).isNotNull();
        assertThat(forwarded.key()).isEqualTo(event.partitionKey());

        given().header("Authorization", ADMIN)
                .when().get("/api/v1/decisions/" + event.id())
                .then().statusCode(200)
                .body("verdict", is("approved"))
                .body("policyId", is("default"))
                .body("tenantId", is("tenant-a"))
                .body("triggerType", is("api"));
    }

    @Test
    void aWorkflowsEventKeepsItsWorkflowIdAndItsDecisionsFilterByIt() {
        String tenant = unique("tenant-wf");
        TriggerEvent event = TriggerEvent.builder(TriggerType.CRON, "/cron/nightly", "invoice.review", tenant)
                .workflowId("invoice-review").data(TriggerData.of(JsonNodeFactory.instance.objectNode())).build();
        TriggerEvent other = event(tenant);
        for (TriggerEvent e : List.of(event, other)) {
            KafkaTestClient.produce(topic("incoming", "triggers.inbound"), e.partitionKey(),
                    TriggerEventCodec.toCloudEvent(e));
        }
        ConsumerRecord<String, CloudEvent> forwarded = KafkaTestClient.awaitRecord(
                topic("outgoing", "triggers.approved"), r -> event.id().equals(r.value().getId()),
                Duration.ofSeconds(30));
        assertThat(TriggerEventCodec.fromCloudEvent(forwarded.value()).workflowId()).isEqualTo("invoice-review");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", tenant).get("/api/v1/decisions").then().extract()
                .<List<Object>>path("items").size() == 2);
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("workflowId", "invoice-review")
                .when().get("/api/v1/decisions")
                .then().statusCode(200)
                .body("items.size()", is(1))
                .body("items[0].runId", is(event.id()))
                .body("items[0].workflowId", is("invoice-review"));
    }

    @Test
    void aRedeliveredEventKeepsItsDecisionAndIsForwardedAgainOnly() {
        String tenant = unique("tenant-b");
        TriggerEvent event = event(tenant);
        CloudEvent ce = TriggerEventCodec.toCloudEvent(event);
        KafkaTestClient.produce(topic("incoming", "triggers.inbound"), event.partitionKey(), ce);
        KafkaTestClient.produce(topic("incoming", "triggers.inbound"), event.partitionKey(), ce);

        KafkaTestClient.awaitRecords(topic("outgoing", "triggers.approved"), r -> event.id().equals(r.value().getId()),
                2, Duration.ofSeconds(30));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .when().get("/api/v1/decisions")
                .then().statusCode(200)
                .body("items.size()", is(1))
                .body("nextCursor", is((Object) null));
    }

    @Test
    void skipsARecordThatBreaksTheContractWithoutStoppingTheStream() {
        CloudEvent foreign = CloudEventBuilder.v1().withId("foreign-1").withSource(URI.create("/elsewhere"))
                .withType("com.example.unrelated").build();
        KafkaTestClient.produce(topic("incoming", "triggers.inbound"), "k", foreign);
        TriggerEvent after = event("tenant-c");
        KafkaTestClient.produce(topic("incoming", "triggers.inbound"), after.partitionKey(),
                TriggerEventCodec.toCloudEvent(after));

        KafkaTestClient.awaitRecord(topic("outgoing", "triggers.approved"), r -> after.id().equals(r.value().getId()),
                Duration.ofSeconds(30));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> given().when().get("/q/metrics")
                .then().body(containsString("governance_invalid_events_total")));
    }

    @Test
    void listsDecisionsWithCursorPaginationAndValidatesParameters() {
        String tenant = unique("tenant-page");
        for (int i = 0; i < 3; i++) {
            TriggerEvent e = event(tenant);
            KafkaTestClient.produce(topic("incoming", "triggers.inbound"), e.partitionKey(),
                    TriggerEventCodec.toCloudEvent(e));
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", tenant).when().get("/api/v1/decisions")
                .then().body("items.size()", is(3)));

        String cursor = given().header("Authorization", ADMIN)
                .queryParam("tenantId", tenant).queryParam("limit", 2)
                .when().get("/api/v1/decisions")
                .then().statusCode(200).body("items.size()", is(2))
                .extract().path("nextCursor");
        assertThat(cursor).isNotNull();
        given().header("Authorization", ADMIN)
                .queryParam("tenantId", tenant).queryParam("limit", 2).queryParam("cursor", cursor)
                .when().get("/api/v1/decisions")
                .then().statusCode(200).body("items.size()", is(1)).body("nextCursor", is((Object) null));

        given().header("Authorization", ADMIN).queryParam("limit", 0)
                .when().get("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json").body("code", is("invalid_limit"));
        given().header("Authorization", ADMIN).queryParam("cursor", "garbage!")
                .when().get("/api/v1/decisions")
                .then().statusCode(400).body("code", is("invalid_cursor"));
        given().when().get("/api/v1/decisions").then().statusCode(401);
    }

    @Test
    void readinessCoversKafkaPostgresAndRedis() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.name", hasItem("Redis connection health check"));
    }
}
