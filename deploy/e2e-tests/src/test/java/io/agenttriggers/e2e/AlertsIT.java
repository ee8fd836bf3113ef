package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.agenttriggers.common.event.EventJson;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's alert rule as a user sets it up, on two governance replicas: a rule on 3 consecutive failures with a
 * webhook channel, the agent runtime set to fail, three webhook deliveries. Exactly one notification arrives, at the
 * third failure, listing the three run ids; after the runtime recovers, the next success sends exactly one
 * resolution. Both replicas read the outcomes and drain the outbox, so a notification sent twice would show.
 */
class AlertsIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher",
            "governance-service", "webhook-gateway");
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;
    static final String TENANT = "e2e-alerts-" + StackProcesses.SUFFIX;
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    static HttpServer receiver;
    static String ruleId;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/alerts", exchange -> {
            RECEIVED.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        STACK.start();
        STACK.startReplica("governance-service-2", "governance-service");
    }

    @AfterAll
    static void stop() {
        // The rule lives in the shared database: gone with the test, so no later stack evaluates it.
        if (ruleId != null) {
            given().baseUri(STACK.url("governance-service")).header("Authorization", ADMIN)
                    .delete("/api/v1/alert-rules/" + ruleId);
        }
        simulator("{\"failureRatio\":0}");
        STACK.stop();
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    static void simulator(String settings) {
        given().baseUri(STACK.url("runtime-simulator")).contentType("application/json").body(settings)
                .when().put("/v1/config").then().statusCode(200);
    }

    static String deliver(String endpointId, int i) {
        return given().baseUri(STACK.url("webhook-gateway")).contentType("application/json")
                .body("{\"n\":" + i + "}").when().post("/webhooks/" + endpointId)
                .then().statusCode(202).extract().path("runId");
    }

    static String status(String runId) {
        var response = given().baseUri(STACK.url("agent-dispatcher")).header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + runId);
        return response.statusCode() == 200 ? response.jsonPath().getString("status") : "unknown";
    }

    static JsonNode received(int index) {
        return EventJson.read(RECEIVED.get(index), JsonNode.class);
    }

    @Test
    void threeFailuresInARowNotifyOnceWithTheirRunIdsAndARecoveryResolvesOnceAcrossTwoReplicas() {
        String governance = STACK.url("governance-service");
        String channelId = given().baseUri(governance).header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + TENANT + "\",\"name\":\"ops\",\"type\":\"webhook\",\"url\":\"http://"
                        + "127.0.0.1:" + receiver.getAddress().getPort() + "/alerts\"}")
                .when().post("/api/v1/alert-channels").then().statusCode(201).extract().path("id");
        ruleId = given().baseUri(governance).header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + TENANT + "\",\"name\":\"three-in-a-row\",\"kind\":\"consecutive-failures\","
                        + "\"notifyAt\":[3],\"channels\":[\"" + channelId + "\"]}")
                .when().post("/api/v1/alert-rules").then().statusCode(201).extract().path("id");
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"alerts-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"" + TENANT
                        + "\",\"eventName\":\"order.created\",\"auth\":{\"type\":\"none\"}}")
                .when().post("/api/v1/endpoints").then().statusCode(201).extract().path("id");
        // Both replicas know the rule before the first outcome (rules reload within about a second).
        Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> true);

        // A 400 is not retried: each run fails at its first attempt.
        simulator("{\"failureRatio\":1,\"failureStatus\":400}");
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String runId = deliver(endpointId, i);
            failed.add(runId);
            Awaitility.await("run " + runId + " failed").atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200)).until(() -> "failed".equals(status(runId)));
            if (i < 2) {
                assertThat(RECEIVED).as("no notification before the third failure").isEmpty();
            }
        }
        Awaitility.await("the firing notification").atMost(60, TimeUnit.SECONDS).until(() -> RECEIVED.size() >= 1);
        JsonNode firing = received(0);
        assertThat(firing.path("type").asText()).isEqualTo("alert.firing");
        assertThat(firing.path("tenantId").asText()).isEqualTo(TENANT);
        assertThat(firing.path("count").asInt()).isEqualTo(3);
        List<String> runIds = new ArrayList<>();
        firing.path("runIds").forEach(n -> runIds.add(n.asText()));
        assertThat(runIds).containsExactlyElementsOf(failed);

        simulator("{\"failureRatio\":0}");
        String ok = deliver(endpointId, 3);
        Awaitility.await("run " + ok + " succeeded").atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200)).until(() -> "succeeded".equals(status(ok)));
        Awaitility.await("the resolution").atMost(60, TimeUnit.SECONDS).until(() -> RECEIVED.size() >= 2);
        assertThat(received(1).path("type").asText()).isEqualTo("alert.resolved");
        assertThat(received(1).path("alertId").asText()).isEqualTo(firing.path("alertId").asText());
        // Two replicas, one notification each: nothing more arrives.
        Awaitility.await().pollDelay(Duration.ofSeconds(5)).atMost(10, TimeUnit.SECONDS).until(() -> true);
        assertThat(RECEIVED).hasSize(2);
        given().baseUri(STACK.url("governance-service-2")).header("Authorization", ADMIN)
                .queryParam("tenantId", TENANT).when().get("/api/v1/alerts")
                .then().statusCode(200).body("items[0].state", org.hamcrest.Matchers.is("resolved"));
    }
}
