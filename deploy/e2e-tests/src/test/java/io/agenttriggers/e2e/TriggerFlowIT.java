package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.CloudEventConformance;
import io.agenttriggers.common.event.ContractSchemas;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.cloudevents.CloudEvent;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One trigger the whole way: api-gateway → Kafka → governance → dispatcher → runtime → ledger → run status. */
class TriggerFlowIT {

    static final StackProcesses STACK = new StackProcesses();
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    static String fire(String body) {
        return given().baseUri(STACK.url("api-gateway")).contentType("application/json").body(body)
                .when().post("/api/v1/hello")
                .then().statusCode(202)
                .body("status", is("accepted"))
                .extract().path("runId");
    }

    static JsonPath run(String runId) {
        return given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + runId)
                .then().statusCode(200)
                .extract().jsonPath();
    }

    static long simulatorCalls(String idempotencyKey) {
        Number n = given().baseUri(STACK.url("runtime-simulator")).when().get("/v1/stats")
                .then().statusCode(200).extract().path("byIdempotencyKey.'" + idempotencyKey + "'");
        return n == null ? 0 : n.longValue();
    }

    @Test
    void aTriggerTravelsTheWholeWayAndSucceedsOnce() throws Exception {
        String runId = fire("{\"name\":\"Ada\"}");

        List<String> seen = new ArrayList<>();
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
            String status = run(runId).getString("status");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                seen.add(status);
            }
            return status.equals("succeeded");
        });
        assertThat(seen).first().isIn("queued", "running", "succeeded");
        assertThat(seen).doesNotContain("failed", "dead_lettered", "rejected");

        JsonPath done = run(runId);
        assertThat(done.getString("result.echo.name")).isEqualTo("Ada");
        assertThat(done.getString("result.reply")).isEqualTo("Handled hello.world for demo");
        assertThat(done.getString("tenantId")).isEqualTo("demo");
        assertThat(done.getString("eventName")).isEqualTo("hello.world");
        assertThat(done.getInt("attempts")).isEqualTo(1);
        assertThat(done.getString("agentRunId")).startsWith("sim-");
        // The dispatcher's own API answers the same.
        given().baseUri(STACK.url("agent-dispatcher")).header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + runId)
                .then().statusCode(200).body("status", is("succeeded")).body("attemptLog.size()", is(1));

        assertThat(simulatorCalls(runId)).isEqualTo(1);

        ConsumerRecord<String, CloudEvent> record = KafkaTestClient.awaitRecord(
                StackProcesses.TOPICS.get("triggers.outcomes"), r -> runId.equals(r.value().getSubject()),
                Duration.ofSeconds(30));
        assertThat(CloudEventConformance.violations(record.value())).isEmpty();
        assertThat(record.headers().lastHeader("ce_specversion")).isNotNull();
        JsonNode data = EventJson.MAPPER.readTree(record.value().getData().toBytes());
        assertThat(ContractSchemas.RUN_OUTCOME.validate(data)).isEmpty();
        RunOutcome outcome = RunOutcomeCodec.fromCloudEvent(record.value());
        assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(outcome.runId()).isEqualTo(runId);
        assertThat(outcome.result().get("echo").get("name").asText()).isEqualTo("Ada");
    }

    @Test
    void aSignedWebhookRunsOnceEvenWhenTheProviderDeliversItTwice() throws Exception {
        String secret = "e2e-" + java.util.UUID.randomUUID();
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"e2e-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"e2e\",\"eventName\":\"github\","
                        + "\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(201).extract().path("id");
        String body = "{\"ref\":\"refs/heads/main\",\"after\":\"abc123\"}";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        String signature = "sha256=" + java.util.HexFormat.of().formatHex(
                mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String delivery = java.util.UUID.randomUUID().toString();
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runIds.add(given().baseUri(STACK.url("webhook-gateway")).contentType("application/json")
                    .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                    .header("X-Hub-Signature-256", signature).body(body)
                    .when().post("/webhooks/" + endpointId)
                    .then().statusCode(202).extract().path("runId"));
        }
        assertThat(runIds.get(1)).isEqualTo(runIds.get(0));
        String runId = runIds.get(0);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() ->
                given().baseUri(STACK.url("agent-dispatcher")).header("Authorization", ADMIN)
                        .when().get("/api/v1/runs/" + runId).statusCode() == 200
                        && run(runId).getString("status").equals("succeeded"));
        JsonPath done = run(runId);
        assertThat(done.getString("eventName")).isEqualTo("github.push");
        assertThat(done.getString("triggerType")).isEqualTo("webhook");
        assertThat(done.getString("result.echo.after")).isEqualTo("abc123");
        assertThat(simulatorCalls(runId)).isEqualTo(1);
    }

    @Test
    void oneTraceRunsFromTheCallerThroughEveryHopToTheLedger() {
        String trace = java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16)
                .putLong(System.nanoTime()).putLong(0x5eedL).array());
        io.restassured.response.Response accepted = given().baseUri(STACK.url("api-gateway"))
                .contentType("application/json").header("traceparent", "00-" + trace + "-00f067aa0ba902b7-00")
                .body("{\"name\":\"Trace\"}").when().post("/api/v1/hello");
        accepted.then().statusCode(202);
        String runId = accepted.path("runId");
        // The answer names the caller's trace; the run's ledger row continues it (a span of each hop since).
        assertThat(io.agenttriggers.common.trace.TraceContext.traceId(accepted.header("traceresponse")))
                .isEqualTo(trace);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "succeeded".equals(run(runId).getString("status")));
        String stored = given().baseUri(STACK.url("agent-dispatcher")).header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + runId).then().statusCode(200).extract().path("traceparent");
        assertThat(io.agenttriggers.common.trace.TraceContext.traceId(stored)).isEqualTo(trace);
        assertThat(stored).doesNotContain("00f067aa0ba902b7");

        // Without a caller's trace, the ingress starts one, and the answer says which.
        io.restassured.response.Response own = given().baseUri(STACK.url("api-gateway"))
                .contentType("application/json").body("{\"name\":\"NoTrace\"}").when().post("/api/v1/hello");
        own.then().statusCode(202);
        String ownTrace = io.agenttriggers.common.trace.TraceContext.traceId(own.header("traceresponse"));
        assertThat(ownTrace).isNotNull().isNotEqualTo(trace);
        String ownRun = own.path("runId");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "succeeded".equals(run(ownRun).getString("status")));
        assertThat(io.agenttriggers.common.trace.TraceContext.traceId(given().baseUri(STACK.url("agent-dispatcher"))
                .header("Authorization", ADMIN).when().get("/api/v1/runs/" + ownRun).then().statusCode(200)
                .extract().path("traceparent"))).isEqualTo(ownTrace);
    }

    @Test
    void aSyncWebhookAnswersWithTheAgentsResult() {
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"sync-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"e2e\",\"eventName\":\"ask\","
                        + "\"auth\":{\"type\":\"none\"},\"responseMode\":\"sync\",\"syncTimeoutSeconds\":30}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(201).extract().path("id");
        given().baseUri(STACK.url("webhook-gateway")).contentType("application/json").body("{\"question\":\"why\"}")
                .when().post("/webhooks/" + endpointId)
                .then().statusCode(200)
                .body("status", is("succeeded"))
                .body("result.echo.question", is("why"))
                .body("result.reply", is("Handled ask for e2e"));
    }

    @Test
    void aBurstOfTriggersAllSucceedEachCallingTheRuntimeOnce() {
        List<CompletableFuture<String>> fired = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String body = "{\"n\":" + i + "}";
            fired.add(CompletableFuture.supplyAsync(() -> fire(body)));
        }
        List<String> runIds = fired.stream().map(CompletableFuture::join).toList();
        assertThat(runIds).doesNotHaveDuplicates();

        Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(runIds).allSatisfy(id -> assertThat(run(id).getString("status")).isEqualTo("succeeded")));
        assertThat(runIds).allSatisfy(id -> assertThat(simulatorCalls(id)).isEqualTo(1));
        assertThat(KafkaTestClient.readAll(StackProcesses.TOPICS.get("triggers.outcomes"),
                r -> runIds.contains(r.value().getSubject()))).hasSize(runIds.size());
    }

    @Test
    void everyServiceIsReadyWithItsDependenciesAndExposesMetricsAndOpenApi() {
        for (String service : STACK.services()) {
            given().baseUri(STACK.url(service)).when().get("/q/health/ready")
                    .then().statusCode(200).body("status", is("UP"));
        }
        for (String service : List.of("api-gateway", "governance-service", "agent-dispatcher", "webhook-gateway",
                "cron-service")) {
            given().baseUri(STACK.url(service)).when().get("/q/health/ready")
                    .then().body("checks.name", hasItem("Database connections health check"));
        }
        for (String service : List.of("api-gateway", "governance-service", "agent-dispatcher", "webhook-gateway",
                "cron-service", "queue-consumer")) {
            given().baseUri(STACK.url(service)).when().get("/q/health/ready")
                    .then().body("checks.name", hasItem("Kafka connection health check"));
        }
        given().baseUri(STACK.url("governance-service")).when().get("/q/health/ready")
                .then().body("checks.name", hasItem("Redis connection health check"));
        given().baseUri(STACK.url("queue-consumer")).when().get("/q/health/ready")
                .then().body("checks.name", hasItem("AMQP 1.0 broker"));

        String runId = fire("{}");
        Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .until(() -> run(runId).getString("status").equals("succeeded"));
        given().baseUri(STACK.url("api-gateway")).when().get("/q/metrics")
                .then().body(containsString("triggers_accepted_total"));
        given().baseUri(STACK.url("governance-service")).when().get("/q/metrics")
                .then().body(containsString("governance_decisions_total"));
        given().baseUri(STACK.url("agent-dispatcher")).when().get("/q/metrics")
                .then().body(containsString("dispatcher_runs_total{decision_mode=\"agent\",status=\"succeeded\"}"));
        given().baseUri(STACK.url("agent-dispatcher")).when().get("/q/openapi?format=json")
                .then().body(containsString("/api/v1/runs/{runId}"));
        given().baseUri(STACK.url("governance-service")).when().get("/q/openapi?format=json")
                .then().body(containsString("/api/v1/decisions"));
    }
}
