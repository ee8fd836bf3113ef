package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.agenttriggers.common.testing.KafkaTestClient;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A workflow deployed through the api-gateway onto the real cron-service, webhook-gateway, queue-consumer,
 * governance and dispatcher: its per-second schedule, its webhook (by the workflow's URL, signed with the secret the
 * deploy answered once), its queue source (the tenant's own topic), its manual and its API trigger fire and every
 * run carries the workflow id; an update changes the schedule and removes the API trigger, a bad version changes
 * nothing, a version deployed while cron-service is down is Pending until it is back, a rollback restores the first
 * version, and undeploy leaves nothing behind. A queue trigger on another tenant's topic is refused.
 */
class WorkflowDeploymentIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher",
            "governance-service", "api-gateway", "cron-service", "webhook-gateway", "queue-consumer");
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;
    static final String TENANT = "e2e-wf-" + StackProcesses.SUFFIX;
    static final String WORKFLOW = "invoice-review";

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    static final String API_PATH = "/" + TENANT + "/invoices/{id}/review";
    static final String TOPIC = TENANT + ".invoices";

    static String document(String expression) {
        return document(expression, false);
    }

    static String document(String expression, boolean withApi) {
        return """
                tenantId: %s
                description: Review invoices as they arrive
                dispatch: {focus: finance, maxAttempts: 3}
                governance: {rateLimit: {limit: 600, period: PT1M}, maxRunsPerDay: 100000}
                triggers:
                  - {name: tick, type: cron, expression: "%s", timezone: Europe/Paris}
                  - {name: approve, type: manual, roles: [admin, operator]}
                  - {name: inbox, type: webhook, auth: {type: hmac, header: X-Signature}}
                  - {name: stream, type: queue, kafka: {topic: "%s", startOffset: earliest}, dedupKey: {jsonPath: "$.id"}}
                """.formatted(TENANT, expression, TOPIC)
                + (withApi ? "  - {name: api, type: api, path: \"" + API_PATH + "\", authRequired: false}\n" : "");
    }

    static io.restassured.response.Response webhook(String secret, String body) {
        String signature = java.util.HexFormat.of().formatHex(hmac(secret, body));
        return given().baseUri(STACK.url("webhook-gateway")).contentType("application/json")
                .header("X-Signature", signature).body(body)
                .post("/api/v1/public/webhook/workflow/" + WORKFLOW + "?tenantId=" + TENANT);
    }

    static byte[] hmac(String secret, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static io.restassured.response.Response api(String invoice) {
        return given().baseUri(STACK.url("api-gateway")).contentType("application/json").body("{\"amount\": 3}")
                .post("/" + TENANT + "/invoices/" + invoice + "/review");
    }

    /** Waits until the run is in the ledger, succeeded, with the workflow id and trigger type. */
    static void succeeded(String runId, String triggerType) {
        Awaitility.await("the " + triggerType + " run").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
                .until(() -> STACK.ledger("tenantId", TENANT, "workflowId", WORKFLOW, "triggerType", triggerType)
                        .stream().anyMatch(r -> runId.equals(r.get("runId")) && "succeeded".equals(r.get("status"))));
    }

    static ValidatableResponse deploy(String method, String document) {
        return deploy(method, WORKFLOW, document);
    }

    static ValidatableResponse deploy(String method, String workflow, String document) {
        var request = given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN)
                .contentType("application/yaml").body(document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String path = "/api/v1/deployment/workflows/" + workflow + "/deploy";
        return ("POST".equals(method) ? request.post(path) : request.put(path)).then();
    }

    static ValidatableResponse status() {
        return given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .get("/api/v1/deployment/workflows/" + WORKFLOW + "/status").then().statusCode(200);
    }

    static List<Map<String, Object>> schedules() {
        return given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                .queryParam("tenantId", TENANT).get("/api/v1/schedules").then().statusCode(200).extract()
                .path("items");
    }

    static int runs() {
        return STACK.ledger("tenantId", TENANT, "workflowId", WORKFLOW).size();
    }

    @Test
    void deploysUpdatesSurvivesAnOutageRollsBackAndUndeploys() throws Exception {
        String secret = deploy("POST", document("* * * * * *", true)).statusCode(201)
                .body("state", is("Ready")).body("desiredVersion", is(1)).body("triggers[0].condition.type", is("Ready"))
                .body("triggers[1].condition.type", is("Ready")).body("triggers[2].condition.type", is("Ready"))
                .body("triggers[3].condition.type", is("Ready")).body("triggers[4].condition.type", is("Ready"))
                .body("triggers.find { it.name == 'governance' }.condition.type", is("Ready"))
                .body("triggers.find { it.name == 'governance' }.observed.policy", is("workflow-" + WORKFLOW))
                .body("triggers[2].observed.workflowUrl", notNullValue())
                .extract().path("secrets.inbox");
        assertThat(secret).as("the webhook's secret, shown once").isNotBlank();
        status().body("secrets", org.hamcrest.Matchers.nullValue())
                .body("triggers[2].observed.secret", org.hamcrest.Matchers.nullValue());
        String scheduleId = (String) schedules().get(0).get("id");
        assertThat(schedules()).singleElement().satisfies(s -> {
            assertThat(s.get("managedBy")).isEqualTo("deployment");
            assertThat(s.get("workflowId")).isEqualTo(WORKFLOW);
            assertThat(s.get("focus")).isEqualTo("finance");
        });

        // The queue source reads the tenant's topic on every queue-consumer replica.
        Awaitility.await("the source runs on the queue-consumer").atMost(30, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(500)).until(() -> deployedSources(WORKFLOW).stream()
                        .anyMatch(s -> "running".equals(s.get("state"))));
        assertThat(deployedSources(WORKFLOW)).singleElement().satisfies(s -> {
            // The tenant rule, as the sources API describes rules: a fixed value, quoted.
            assertThat(s.get("tenantId")).isEqualTo("\"" + TENANT + "\"");
            assertThat(s.get("workflowId")).isEqualTo(WORKFLOW);
            assertThat(s.get("address")).asString().contains(TOPIC);
        });
        for (int i = 0; i < 3; i++) {
            KafkaTestClient.produceRaw(TOPIC, "k" + i, Map.of(), ("{\"id\":\"o-" + i + "\",\"amount\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        // It fires every second, and every run carries the workflow id into the ledger.
        Awaitility.await("runs of the workflow").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
                .until(() -> runs() >= 3);
        List<Map<String, Object>> ledger = STACK.ledger("tenantId", TENANT, "workflowId", WORKFLOW, "source",
                "/cron/" + scheduleId);
        assertThat(ledger).hasSizeGreaterThanOrEqualTo(3);
        assertThat(ledger).allSatisfy(r -> {
            assertThat(r.get("workflowId")).isEqualTo(WORKFLOW);
            assertThat(r.get("triggerType")).isEqualTo("cron");
        });
        // The manual trigger fires by workflow id; its run carries the workflow id too.
        String manualRun = given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN)
                .queryParam("tenantId", TENANT).contentType("application/json").body("{\"invoice\":\"inv-1\"}")
                .post("/api/v1/triggers/workflows/" + WORKFLOW + "/manual").then().statusCode(202).extract()
                .path("runId");
        Awaitility.await("the manual run").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
                .until(() -> STACK.ledger("tenantId", TENANT, "workflowId", WORKFLOW, "triggerType", "manual").stream()
                        .anyMatch(r -> manualRun.equals(r.get("runId")) && "succeeded".equals(r.get("status"))));
        // The webhook by the workflow's URL (its own signature checked) and the API trigger by its path.
        webhook(secret, "{\"invoice\":\"inv-2\"}").then().statusCode(202);
        webhook("not-the-secret", "{\"invoice\":\"inv-2\"}").then().statusCode(403);
        succeeded(webhook(secret, "{\"invoice\":\"inv-3\"}").then().statusCode(202).extract().path("runId"),
                "webhook");
        succeeded(api("inv-4").then().statusCode(202).extract().path("runId"), "api");
        Awaitility.await("the topic's messages as runs of the workflow").atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> STACK.ledger("tenantId", TENANT, "workflowId", WORKFLOW, "triggerType", "queue")
                        .stream().filter(r -> "succeeded".equals(r.get("status"))).count() == 3);
        Awaitility.await("the status shows the last fire").atMost(30, TimeUnit.SECONDS)
                .until(() -> status().extract().path("triggers[0].observed.lastRunStatus") != null);

        // A new version changes the schedule in place (same id) and removes the API trigger; direct edits of the
        // schedule are refused.
        deploy("PUT", document("0 0 3 * * *")).statusCode(200).body("desiredVersion", is(2))
                .body("observedVersion", is(2)).body("triggers", hasSize(5));
        Awaitility.await("the API trigger's route goes").atMost(10, TimeUnit.SECONDS)
                .until(() -> api("inv-5").statusCode() == 404);
        assertThat(schedules()).singleElement().satisfies(s -> {
            assertThat(s.get("id")).isEqualTo(scheduleId);
            assertThat(s.get("expression")).isEqualTo("0 0 3 * * *");
        });
        given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                .delete("/api/v1/schedules/" + scheduleId).then().statusCode(409)
                .body("code", is("managed_by_deployment"));

        // A version with a bad trigger changes nothing.
        deploy("PUT", document("61 * * * *")).statusCode(422).body("code", is("deployment_refused"))
                .body("errors[0].field", is("$.triggers[0].expression"));
        status().body("desiredVersion", is(2)).body("observedVersion", is(2)).body("lastFailure.version", is(3));
        assertThat(schedules()).singleElement().satisfies(s -> assertThat(s.get("expression"))
                .isEqualTo("0 0 3 * * *"));

        // Deployed while cron-service is down: Pending, then Ready once it is back.
        STACK.kill("cron-service");
        deploy("PUT", document("0 30 4 * * *")).statusCode(202).body("state", is("Pending"))
                .body("triggers[0].condition.type", is("Pending"));
        STACK.restart("cron-service");
        Awaitility.await("the part is taken once cron-service is back").atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofSeconds(1)).until(() -> "Ready".equals(status().extract().path("state")));
        status().body("desiredVersion", is(4)).body("observedVersion", is(4))
                .body("triggers[0].observed.nextFireAt", notNullValue());
        assertThat(schedules()).singleElement().satisfies(s -> assertThat(s.get("expression"))
                .isEqualTo("0 30 4 * * *"));

        // Rolling back to version 1 makes a version 5 equal to it: the schedule fires every second again and the API
        // trigger is back; the webhook kept its secret throughout.
        given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .post("/api/v1/deployment/workflows/" + WORKFLOW + "/versions/1/rollback").then().statusCode(200)
                .body("desiredVersion", is(5));
        int before = runs();
        Awaitility.await("runs resume").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
                .until(() -> runs() >= before + 2);
        Awaitility.await("the API trigger's route is back").atMost(10, TimeUnit.SECONDS)
                .until(() -> api("inv-6").statusCode() == 202);
        webhook(secret, "{\"invoice\":\"inv-7\"}").then().statusCode(202);
        given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .get("/api/v1/deployment/workflows/" + WORKFLOW + "/versions").then().statusCode(200)
                .body("items.version", contains(5, 4, 3, 2, 1))
                .body("items.outcome", contains("applied", "applied", "refused", "applied", "applied"));

        given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .delete("/api/v1/deployment/workflows/" + WORKFLOW + "/undeploy").then().statusCode(200)
                .body("state", is("Removed"));
        assertThat(schedules()).isEmpty();
        given().baseUri(STACK.url("governance-service")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .get("/api/v1/policies").then().statusCode(200)
                .body("items.findAll { it.managedBy == 'deployment' }", hasSize(0));
        webhook(secret, "{\"invoice\":\"inv-8\"}").then().statusCode(404);
        Awaitility.await("the API trigger's route goes").atMost(10, TimeUnit.SECONDS)
                .until(() -> api("inv-9").statusCode() == 404);
        given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .get("/admin/v1/manual-triggers").then().statusCode(200).body("items", hasSize(0));
        Awaitility.await("the queue source stops").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> deployedSources(WORKFLOW).isEmpty());
        given().baseUri(STACK.url("api-gateway")).header("Authorization", ADMIN).queryParam("tenantId", TENANT)
                .get("/api/v1/deployment/workflows").then().statusCode(200).body("items", hasSize(0));
    }

    static List<Map<String, Object>> deployedSources(String workflow) {
        return given().baseUri(STACK.url("queue-consumer")).header("Authorization", ADMIN)
                .queryParam("origin", "deployed").queryParam("workflowId", workflow).get("/api/v1/sources").then()
                .statusCode(200).extract().path("items");
    }

    @Test
    void aQueueTriggerOnAnotherTenantsTopicIsRefused() {
        String tenant = "e2e-wfq-" + StackProcesses.SUFFIX;
        deploy("POST", "order-intake", """
                tenantId: %s
                triggers:
                  - {name: orders, type: queue, kafka: {topic: "%s"}}
                """.formatted(tenant, TOPIC)).statusCode(422).body("code", is("deployment_refused"))
                .body("errors[0].field", is("$.triggers[0].kafka.topic"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("must start with " + tenant + "."));
        assertThat(deployedSources("order-intake")).isEmpty();
    }
}
