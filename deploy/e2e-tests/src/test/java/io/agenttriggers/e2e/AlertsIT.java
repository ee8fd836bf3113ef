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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A tenant's alert rule as a user sets it up, on two governance replicas: a rule on 3 consecutive failures with a
 * webhook channel, the agent runtime set to fail, three webhook deliveries. Exactly one notification arrives, at the
 * third failure, listing the three run ids; after the runtime recovers, the next success sends exactly one
 * resolution. Both replicas read the outcomes and drain the outbox, so a notification sent twice would show. Then the
 * other services' signals, from the real producers: deliveries with a bad signature (webhook-gateway) and the agent
 * runtime's breaker pausing the dispatcher.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher",
            "governance-service", "webhook-gateway");
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;
    static final String TENANT = "e2e-alerts-" + StackProcesses.SUFFIX;
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    static HttpServer receiver;
    static final List<String> RULES = new CopyOnWriteArrayList<>();
    static String channelId;

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
        // The rules live in the shared database: gone with the test, so no later stack evaluates them.
        for (String ruleId : RULES) {
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

    /** Creates a rule of the tenant (the fields after its name and kind) notifying the test's receiver. */
    static void rule(String name, String kind, String fields) {
        String governance = STACK.url("governance-service");
        if (channelId == null) {
            channelId = given().baseUri(governance).header("Authorization", ADMIN).contentType("application/json")
                    .body("{\"tenantId\":\"" + TENANT + "\",\"name\":\"ops\",\"type\":\"webhook\",\"url\":"
                            + "\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts\"}")
                    .when().post("/api/v1/alert-channels").then().statusCode(201).extract().path("id");
        }
        RULES.add(given().baseUri(governance).header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + TENANT + "\",\"name\":\"" + name + "\",\"kind\":\"" + kind + "\","
                        + fields + "\"channels\":[\"" + channelId + "\"]}")
                .when().post("/api/v1/alert-rules").then().statusCode(201).extract().path("id"));
    }

    static List<JsonNode> receivedOf(String ruleKind) {
        List<JsonNode> out = new ArrayList<>();
        for (String body : RECEIVED) {
            JsonNode n = EventJson.read(body, JsonNode.class);
            if (ruleKind.equals(n.path("ruleKind").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void threeFailuresInARowNotifyOnceWithTheirRunIdsAndARecoveryResolvesOnceAcrossTwoReplicas() {
        rule("three-in-a-row", "consecutive-failures", "\"notifyAt\":[3],");
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

    @Test
    @Order(2)
    void deliveriesWithABadSignatureNotifyAsAVerificationFailureSpike() {
        rule("probing", "verification-failures", "\"threshold\":3,");
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"signed-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"" + TENANT
                        + "\",\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},\"secret\":\"e2e-"
                        + java.util.UUID.randomUUID() + "\"}")
                .when().post("/api/v1/endpoints").then().statusCode(201).extract().path("id");
        Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> true);
        for (int i = 0; i < 4; i++) {
            given().baseUri(STACK.url("webhook-gateway")).contentType("application/json")
                    .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "d-" + i)
                    .header("X-Hub-Signature-256", "sha256=" + "0".repeat(64)).body("{\"ref\":\"x\"}")
                    .when().post("/webhooks/" + endpointId).then().statusCode(403);
        }
        // The gateway counts refusals per endpoint and signals them every 10 s.
        Awaitility.await("the spike notification").atMost(90, TimeUnit.SECONDS)
                .until(() -> !receivedOf("verification-failures").isEmpty());
        JsonNode spike = receivedOf("verification-failures").get(0);
        assertThat(spike.path("type").asText()).isEqualTo("alert.firing");
        // Four refusals, signalled in one period or split over two: the alert fires once it has counted three.
        assertThat(spike.path("count").asInt()).isBetween(3, 4);
        assertThat(spike.path("summary").asText()).contains("deliveries refused for their credentials");
    }

    @Test
    @Order(3)
    void theRuntimeBreakerPausingTheDispatcherNotifiesAndItsResumeResolves() {
        rule("runtime", "runtime-paused", "");
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"breaker-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"" + TENANT
                        + "\",\"eventName\":\"job.run\",\"auth\":{\"type\":\"none\"}}")
                .when().post("/api/v1/endpoints").then().statusCode(201).extract().path("id");
        Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> true);
        // 503s are retried: two runs of three attempts are more than the breaker's five unhealthy calls in a row.
        simulator("{\"failureRatio\":1,\"failureStatus\":503}");
        deliver(endpointId, 10);
        deliver(endpointId, 11);
        Awaitility.await("the paused notification").atMost(90, TimeUnit.SECONDS)
                .until(() -> !receivedOf("runtime-paused").isEmpty());
        JsonNode paused = receivedOf("runtime-paused").get(0);
        assertThat(paused.path("type").asText()).isEqualTo("alert.firing");
        assertThat(paused.path("groupKey").asText()).startsWith("/agent-dispatcher");
        simulator("{\"failureRatio\":0}");
        // After open-for a probe call succeeds, the breaker closes and consumption resumes.
        Awaitility.await("the resumed notification").atMost(90, TimeUnit.SECONDS)
                .until(() -> receivedOf("runtime-paused").size() >= 2);
        assertThat(receivedOf("runtime-paused").get(1).path("type").asText()).isEqualTo("alert.resolved");
    }
}
