package io.agenttriggers.governance;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** Shared steps of the governance tests: events in, outcomes back, decisions read over the API. */
public final class GovernanceTesting {

    public static final String ADMIN = "Bearer test-admin-token";

    private GovernanceTesting() {
    }

    public static String topic(String direction, String channel) {
        String quoted = channel.contains(".") ? "\"" + channel + "\"" : channel;
        return ConfigProvider.getConfig().getValue("mp.messaging." + direction + "." + quoted + ".topic",
                String.class);
    }

    /** The database outlives test runs: every test governs tenants of its own. */
    public static String tenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
    }

    public static TriggerEvent event(String tenant, String eventName) {
        return TriggerEvent.builder(TriggerType.API, "/api/hello", eventName, tenant)
                .data(TriggerData.of(JsonNodeFactory.instance.objectNode().put("name", "Ada")))
                .build();
    }

    public static TriggerEvent send(TriggerEvent event) {
        KafkaTestClient.produce(topic("incoming", "triggers.inbound"), event.partitionKey(),
                TriggerEventCodec.toCloudEvent(event));
        return event;
    }

    /** Publishes the run's outcome as the dispatcher would. */
    public static void outcome(TriggerEvent event, RunStatus status, BigDecimal cost) {
        RunOutcome outcome = new RunOutcome(event.id(), event.tenantId(), event.eventName(), event.type().wire(),
                status, null, "agent", null, null, cost, 1, 1, null, null, null, OffsetDateTime.now(ZoneOffset.UTC));
        KafkaTestClient.produce(topic("incoming", "outcomes-feedback"), event.partitionKey(),
                RunOutcomeCodec.toCloudEvent(outcome, "/agent-dispatcher"));
    }

    /** Waits for the event's decision and answers it. */
    public static JsonPath decision(TriggerEvent event) {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> given().header("Authorization", ADMIN).when().get("/api/v1/decisions/" + event.id())
                        .statusCode() == 200);
        return given().header("Authorization", ADMIN).when().get("/api/v1/decisions/" + event.id())
                .then().extract().jsonPath();
    }

    /** Creates a policy and answers its id. */
    public static String createPolicy(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/policies")
                .then().statusCode(201).extract().path("id");
    }

    public static void deletePolicy(String id) {
        given().header("Authorization", ADMIN).when().delete("/api/v1/policies/" + id).then().statusCode(204);
    }
}
