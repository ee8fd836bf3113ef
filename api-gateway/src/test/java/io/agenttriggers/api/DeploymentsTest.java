package io.agenttriggers.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Workflow deployments against a stand-in for cron-service's part (the real one is in the end-to-end tests):
 * validation before anything changes, errors as paths into the document, pending while a service is down, refusal
 * going back to the version in force, versions, rollback, undeploy.
 */
@QuarkusTest
@QuarkusTestResource(DeploymentsTest.CronPart.class)
class DeploymentsTest {

    static final String ADMIN = "Bearer test-admin-token";

    /** WireMock standing in for cron-service's deployment part, and one for webhook-gateway's that holds nothing. */
    public static class CronPart implements QuarkusTestResourceLifecycleManager {
        static WireMockServer server;
        static WireMockServer webhook;

        @Override
        public Map<String, String> start() {
            server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
            server.start();
            webhook = new WireMockServer(WireMockConfiguration.options().dynamicPort());
            webhook.start();
            webhook.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(anyUrl()).willReturn(aResponse()
                    .withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody("{\"dryRun\":false,\"items\":[]}")));
            // The webhook, governance and queue parts hold nothing here (both are tested against their real services).
            return Map.of("quarkus.rest-client.cron.url", server.baseUrl(),
                    "quarkus.rest-client.webhook.url", webhook.baseUrl(),
                    "quarkus.rest-client.governance.url", webhook.baseUrl(),
                    "quarkus.rest-client.queue.url", webhook.baseUrl());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop();
            }
            if (webhook != null) {
                webhook.stop();
            }
        }
    }

    static String part(String tenant, String workflow) {
        return "/internal/v1/deployments/" + tenant + "/" + workflow;
    }

    static void partAnswers(String tenant, String workflow, int status, String body) {
        CronPart.server.stubFor(put(urlPathEqualTo(part(tenant, workflow))).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
        CronPart.server.stubFor(get(urlPathEqualTo(part(tenant, workflow))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"tenantId\":\"" + tenant + "\","
                        + "\"workflowId\":\"" + workflow + "\",\"dryRun\":false,\"items\":[{\"name\":\"nightly\","
                        + "\"id\":\"0190b3c4-1a2b-7c3d-8e4f-5a6b7c8d9e0f\",\"observed\":{\"state\":\"active\","
                        + "\"nextFireAt\":\"2026-12-04T01:00:00Z\"}}]}")));
    }

    static String applied(String tenant, String workflow) {
        return "{\"tenantId\":\"" + tenant + "\",\"workflowId\":\"" + workflow + "\",\"version\":1,\"dryRun\":false,"
                + "\"items\":[{\"name\":\"nightly\",\"id\":\"0190b3c4-1a2b-7c3d-8e4f-5a6b7c8d9e0f\","
                + "\"action\":\"created\"}]}";
    }

    static String document(String tenant, String expression) {
        return """
                {"tenantId": "%s", "description": "Review invoices",
                 "dispatch": {"focus": "finance", "maxAttempts": 3},
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "%s", "timezone": "Europe/Paris"}]}
                """.formatted(tenant, expression);
    }

    static ValidatableResponse deploy(String method, String workflow, String body) {
        var request = given().header("Authorization", ADMIN).contentType("application/json").body(body);
        String path = "/api/v1/deployment/workflows/" + workflow + "/deploy";
        return ("POST".equals(method) ? request.post(path) : request.put(path)).then();
    }

    static ValidatableResponse status(String tenant, String workflow) {
        return given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .get("/api/v1/deployment/workflows/" + workflow + "/status").then();
    }

    static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anInvalidDocumentNamesEveryFieldAsAPathAndChangesNothing() {
        String tenant = tenant();
        CronPart.server.resetRequests();
        deploy("POST", "invoices", """
                {"tenantId": "%s", "colour": "red",
                 "triggers": [{"name": "inbox", "type": "queue"}, {"name": "inbox", "type": "cron"},
                              {"type": "sundial"}, {"name": "x", "type": "cron", "tenantId": "other"}]}
                """.formatted(tenant))
                .statusCode(422).body("code", is("invalid_deployment"))
                .body("errors.field", containsInAnyOrder("$.colour", "$.triggers[0]", "$.triggers[1].name",
                        "$.triggers[2].name", "$.triggers[2].type", "$.triggers[3].tenantId"));
        deploy("POST", "bad id!", document(tenant, "@daily")).statusCode(400).body("code", is("invalid_workflow_id"));
        given().header("Authorization", ADMIN).contentType("application/yaml")
                .body("triggers: [unclosed".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/v1/deployment/workflows/invoices/deploy").then().statusCode(400)
                .body("code", is("invalid_document"));
        CronPart.server.verify(0, putRequestedFor(anyUrl()));
        status(tenant, "invoices").statusCode(404).body("code", is("deployment_not_found"));
    }

    @Test
    void deploysUpdatesRollsBackAndUndeploys() {
        String tenant = tenant();
        partAnswers(tenant, "invoices", 200, applied(tenant, "invoices"));
        deploy("POST", "invoices", document(tenant, "0 2 * * *"))
                .statusCode(201).header("ETag", "\"1\"")
                .body("state", is("Ready")).body("desiredVersion", is(1)).body("observedVersion", is(1))
                .body("triggers[0].condition.type", is("Ready"))
                .body("triggers[0].observed.nextFireAt", is("2026-12-04T01:00:00Z"));
        // The trigger went to cron-service as its API takes it, with the document's defaults filled in.
        CronPart.server.verify(putRequestedFor(urlPathEqualTo(part(tenant, "invoices")))
                .withQueryParam("dryRun", equalTo("false"))
                .withRequestBody(matchingJsonPath("$.version", equalTo("1")))
                .withRequestBody(matchingJsonPath("$.triggers[0].eventName", equalTo("invoices")))
                .withRequestBody(matchingJsonPath("$.triggers[0].focus", equalTo("finance")))
                .withRequestBody(matchingJsonPath("$.triggers[0].options.maxAttempts", equalTo("3")))
                .withRequestBody(matchingJsonPath("$.triggers[0].expression", equalTo("0 2 * * *"))));
        deploy("POST", "invoices", document(tenant, "0 3 * * *")).statusCode(409).body("code", is("already_deployed"));

        given().header("Authorization", ADMIN).header("If-Match", "\"7\"").contentType("application/json")
                .body(document(tenant, "0 3 * * *")).put("/api/v1/deployment/workflows/invoices/deploy")
                .then().statusCode(412).body("code", is("version_conflict"));
        given().header("Authorization", ADMIN).header("If-Match", "\"1\"").contentType("application/yaml")
                .body(("tenantId: " + tenant + "\ntriggers:\n  - {name: nightly, type: cron, expression: '0 3 * * *'}\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("/api/v1/deployment/workflows/invoices/deploy")
                .then().statusCode(200).body("desiredVersion", is(2)).body("observedVersion", is(2));

        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .get("/api/v1/deployment/workflows/invoices/versions").then().statusCode(200)
                .body("items.version", contains(2, 1)).body("items.outcome", contains("applied", "applied"));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .post("/api/v1/deployment/workflows/invoices/versions/1/rollback").then().statusCode(200)
                .body("desiredVersion", is(3)).body("state", is("Ready"));
        CronPart.server.verify(putRequestedFor(urlPathEqualTo(part(tenant, "invoices")))
                .withRequestBody(matchingJsonPath("$.version", equalTo("3")))
                .withRequestBody(matchingJsonPath("$.triggers[0].expression", equalTo("0 2 * * *"))));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .post("/api/v1/deployment/workflows/invoices/versions/9/rollback").then().statusCode(404);
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).get("/api/v1/deployment/workflows")
                .then().statusCode(200).body("items.workflowId", contains("invoices"));

        CronPart.server.stubFor(delete(urlPathEqualTo(part(tenant, "invoices"))).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"tenantId\":\"" + tenant + "\",\"workflowId\":\"invoices\",\"dryRun\":false,"
                        + "\"items\":[]}")));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .delete("/api/v1/deployment/workflows/invoices/undeploy").then().statusCode(200)
                .body("state", is("Removed"));
        CronPart.server.verify(deleteRequestedFor(urlPathEqualTo(part(tenant, "invoices"))));
        status(tenant, "invoices").statusCode(404);
    }

    @Test
    void aRefusedVersionLeavesNothingOfItInForceAndTheStatusSaysWhy() {
        String tenant = tenant();
        partAnswers(tenant, "wf", 200, applied(tenant, "wf"));
        deploy("POST", "wf", document(tenant, "@daily")).statusCode(201);
        // cron-service refuses the second version's expression; going back to version 1 it accepts.
        CronPart.server.stubFor(put(urlPathEqualTo(part(tenant, "wf")))
                .withRequestBody(matchingJsonPath("$.triggers[0].expression", equalTo("61 * * * *")))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":422,\"code\":\"invalid_deployment_part\",\"detail\":\"1 invalid "
                                + "field(s)\",\"errors\":[{\"field\":\"triggers[0].expression\",\"message\":"
                                + "\"minute field: 61 is out of range\"}]}")));
        deploy("PUT", "wf", document(tenant, "61 * * * *"))
                .statusCode(422).body("code", is("deployment_refused"))
                .body("errors[0].field", is("$.triggers[0].expression"))
                .body("errors[0].message", is("minute field: 61 is out of range"));
        CronPart.server.verify(putRequestedFor(urlPathEqualTo(part(tenant, "wf")))
                .withRequestBody(matchingJsonPath("$.version", equalTo("1")))
                .withRequestBody(matchingJsonPath("$.triggers[0].expression", equalTo("@daily"))));
        status(tenant, "wf").statusCode(200)
                .body("state", is("Ready")).body("desiredVersion", is(1)).body("observedVersion", is(1))
                .body("lastFailure.version", is(2)).body("lastFailure.errors[0].field", is("$.triggers[0].expression"));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .get("/api/v1/deployment/workflows/wf/versions").then()
                .body("items.outcome", contains("refused", "applied"));
    }

    @Test
    void aWorkflowsManualTriggerIsOwnedByItAndFiredByWorkflowId() {
        String tenant = tenant();
        partAnswers(tenant, "approvals", 200, applied(tenant, "approvals"));
        String doc = """
                {"tenantId": "%s",
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "@daily"},
                              {"name": "approve", "type": "manual", "requireConfirmation": true,
                               "roles": ["admin"]}]}
                """.formatted(tenant);
        deploy("POST", "approvals", doc).statusCode(201)
                .body("triggers.find { it.name == 'approve' }.condition.type", is("Ready"))
                .body("triggers.find { it.name == 'approve' }.observed.eventName", is("approvals"));
        String id = given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .get("/admin/v1/manual-triggers").then().statusCode(200)
                .body("items[0].managedBy", is("deployment")).body("items[0].workflowId", is("approvals"))
                .extract().path("items[0].id");
        given().header("Authorization", ADMIN).delete("/admin/v1/manual-triggers/" + id).then().statusCode(409)
                .body("code", is("managed_by_deployment"));

        // Fired by workflow id: it asks for confirmation first, then runs.
        String fire = "/api/v1/triggers/workflows/approvals/manual";
        String token = given().header("Authorization", ADMIN).queryParam("tenantId", tenant).post(fire)
                .then().statusCode(202).body("status", is("confirmation_required")).extract()
                .path("confirmationToken");
        given().header("Authorization", ADMIN).header("X-Confirmation-Token", token).queryParam("tenantId", tenant)
                .post(fire).then().statusCode(202).body("runId", notNullValue());
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .get("/api/v1/triggers/workflows/approvals/status").then().statusCode(200)
                .body("triggers", hasSize(2));

        // A version without it removes it; firing then finds nothing.
        deploy("PUT", "approvals", document(tenant, "@daily")).statusCode(200);
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).get("/admin/v1/manual-triggers")
                .then().body("items", hasSize(0));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).post(fire).then().statusCode(404);
    }

    @Test
    void aPartWhoseServiceIsDownStaysPendingUntilItIsBack() {
        String tenant = tenant();
        partAnswers(tenant, "later", 503, "{\"status\":503,\"code\":\"unavailable\"}");
        deploy("POST", "later", document(tenant, "@hourly")).statusCode(202)
                .body("state", is("Pending")).body("triggers[0].condition.type", is("Pending"))
                .body("triggers[0].condition.reason", is("cron answered 503 (unavailable)"))
                .body("triggers[0].condition.since", notNullValue());
        partAnswers(tenant, "later", 200, applied(tenant, "later"));
        Awaitility.await("the reconciler brings the part").atMost(30, TimeUnit.SECONDS)
                .pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> "Ready".equals(status(tenant, "later").extract().path("state")));
        status(tenant, "later").body("observedVersion", is(1)).body("triggers", hasSize(1));
    }

    @Test
    void aDryRunAnswersThePlanAndChangesNothing() {
        String tenant = tenant();
        CronPart.server.stubFor(put(urlPathEqualTo(part(tenant, "plan"))).withQueryParam("dryRun", equalTo("true"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"tenantId\":\"" + tenant + "\",\"workflowId\":\"plan\",\"dryRun\":true,"
                                + "\"items\":[{\"name\":\"nightly\",\"action\":\"created\"}]}")));
        given().header("Authorization", ADMIN).contentType("application/json").body(document(tenant, "@daily"))
                .queryParam("dryRun", true).post("/api/v1/deployment/workflows/plan/deploy").then().statusCode(200)
                .body("dryRun", is(true)).body("parts.cron[0].action", is("created"));
        CronPart.server.verify(0, putRequestedFor(urlPathEqualTo(part(tenant, "plan")))
                .withQueryParam("dryRun", equalTo("false")));
        status(tenant, "plan").statusCode(404);
    }

    @Test
    void aWorkflowsApiTriggerServesItsPathWithTheWorkflowIdUntilAVersionDropsIt() {
        String tenant = tenant();
        partAnswers(tenant, "reviews", 200, applied(tenant, "reviews"));
        String path = "/" + tenant + "/invoices/{id}/review";
        String doc = """
                {"tenantId": "%s", "dispatch": {"focus": "finance"},
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "@daily"},
                              {"name": "api", "type": "api", "path": "%s", "authRequired": false}]}
                """.formatted(tenant, path);
        deploy("POST", "reviews", doc).statusCode(201)
                .body("triggers.find { it.name == 'api' }.condition.type", is("Ready"))
                .body("triggers.find { it.name == 'api' }.observed.path", is(path));
        String runId = given().contentType("application/json").body("{\"amount\": 3}")
                .post("/" + tenant + "/invoices/17/review").then().statusCode(202).extract().path("runId");
        var event = io.agenttriggers.common.event.TriggerEventCodec.fromCloudEvent(
                io.agenttriggers.common.testing.KafkaTestClient.awaitRecord(ApiTriggerResourceTest.inboundTopic(),
                        r -> runId.equals(r.value().getId()), java.time.Duration.ofSeconds(20)).value());
        org.assertj.core.api.Assertions.assertThat(event.workflowId()).isEqualTo("reviews");
        org.assertj.core.api.Assertions.assertThat(event.eventName()).isEqualTo("reviews");
        org.assertj.core.api.Assertions.assertThat(event.focus()).isEqualTo("finance");

        String id = given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .get("/admin/v1/api-triggers").then().statusCode(200)
                .body("items[0].managedBy", is("deployment")).extract().path("items[0].id");
        given().header("Authorization", ADMIN).delete("/admin/v1/api-triggers/" + id).then().statusCode(409)
                .body("code", is("managed_by_deployment"));
        // Another tenant's workflow cannot claim requests this route serves: its version is refused whole.
        String other = tenant();
        partAnswers(other, "thief", 200, applied(other, "thief"));
        deploy("POST", "thief", """
                {"tenantId": "%s",
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "@daily"},
                              {"name": "api", "type": "api", "path": "/%s/invoices/{x}/review", "authRequired": false}]}
                """.formatted(other, tenant)).statusCode(422).body("code", is("deployment_refused"))
                .body("errors[0].field", is("$.triggers[1]"));

        deploy("PUT", "reviews", document(tenant, "@daily")).statusCode(200);
        Awaitility.await("the route goes").atMost(10, TimeUnit.SECONDS).until(() -> given()
                .contentType("application/json").body("{}").post("/" + tenant + "/invoices/17/review")
                .statusCode() == 404);
    }

    @Test
    void triggerHealthNamesAServiceThatIsNotReady() {
        CronPart.server.stubFor(get(urlPathEqualTo("/q/health/ready")).willReturn(aResponse().withStatus(503)));
        given().header("Authorization", ADMIN).get("/api/v1/triggers/health").then().statusCode(200)
                .body("status", is("DEGRADED"))
                .body("parts.cron.status", is("DOWN"))
                .body("parts.cron.reason", is("cron answered 503 to its readiness check"))
                .body("parts.webhook.status", is("UP")).body("parts.manual.status", is("UP"))
                .body("parts.governance.status", is("UP"))
                .body("parts.api.status", is("UP"))
                .body("deployments.ready", notNullValue());
        CronPart.server.stubFor(get(urlPathEqualTo("/q/health/ready")).willReturn(aResponse().withStatus(200)));
        given().header("Authorization", ADMIN).get("/api/v1/triggers/health").then().statusCode(200)
                .body("parts.cron.status", is("UP"));
    }

    @Test
    void theGovernanceBlockGoesToGovernanceAsTheWorkflowsPolicy() {
        String tenant = tenant();
        partAnswers(tenant, "governed", 200, applied(tenant, "governed"));
        deploy("POST", "governed", """
                {"tenantId": "%s", "governance": {"colour": "red", "maxRunsPerDay": "many"},
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "@daily"}]}
                """.formatted(tenant)).statusCode(422)
                .body("errors.field", containsInAnyOrder("$.governance.colour", "$.governance.maxRunsPerDay"));
        deploy("POST", "governed", """
                {"tenantId": "%s",
                 "governance": {"rateLimit": {"limit": 60, "period": "PT1M"}, "maxRunsPerDay": 500,
                                "maxCostPerDayUsd": 20, "timezone": "Europe/Paris", "cooldown": "PT10S"},
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "@daily"}]}
                """.formatted(tenant)).statusCode(201)
                .body("triggers.name", contains("nightly", "governance"))
                .body("triggers[1].type", is("governance"));
        CronPart.webhook.verify(putRequestedFor(urlPathEqualTo(part(tenant, "governed")))
                .withRequestBody(matchingJsonPath("$.triggers[0].quota.maxRunsPerDay", equalTo("500")))
                .withRequestBody(matchingJsonPath("$.triggers[0].quota.timezone", equalTo("Europe/Paris")))
                .withRequestBody(matchingJsonPath("$.triggers[0].budget.maxCostPerDayUsd", equalTo("20")))
                .withRequestBody(matchingJsonPath("$.triggers[0].budget.timezone", equalTo("Europe/Paris")))
                .withRequestBody(matchingJsonPath("$.triggers[0].rateLimit.limit", equalTo("60")))
                .withRequestBody(matchingJsonPath("$.triggers[0].cooldown", equalTo("PT10S"))));
        // governance-service's field errors come back as paths into the block.
        org.assertj.core.api.Assertions.assertThat(io.agenttriggers.api.deployment.PartClientPaths.of(
                "triggers[0].quota.maxRunsPerDay")).isEqualTo("$.governance.maxRunsPerDay");
        org.assertj.core.api.Assertions.assertThat(io.agenttriggers.api.deployment.PartClientPaths.of(
                "triggers[0].budget.timezone")).isEqualTo("$.governance.timezone");
        org.assertj.core.api.Assertions.assertThat(io.agenttriggers.api.deployment.PartClientPaths.of(
                "triggers[0].rateLimit.period")).isEqualTo("$.governance.rateLimit.period");
    }

    @Test
    void aPartThatHoldsNothingOfTheWorkflowIsNotAskedSoItsOutageCostsNothing() {
        String tenant = tenant();
        partAnswers(tenant, "solo", 200, applied(tenant, "solo"));
        CronPart.webhook.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathEqualTo(part(tenant, "solo")))
                .willReturn(aResponse().withStatus(503)));
        // No webhook trigger, webhook-gateway down: the workflow is Ready all the same.
        deploy("POST", "solo", document(tenant, "@daily")).statusCode(201).body("state", is("Ready"));
        CronPart.webhook.verify(0, putRequestedFor(urlPathEqualTo(part(tenant, "solo"))));

        // A version with a webhook waits for webhook-gateway ...
        String withWebhook = """
                {"tenantId": "%s",
                 "triggers": [{"name": "nightly", "type": "cron", "expression": "@daily"},
                              {"name": "inbox", "type": "webhook", "auth": {"type": "none"}}]}
                """.formatted(tenant);
        deploy("PUT", "solo", withWebhook).statusCode(202).body("state", is("Pending"));
        CronPart.webhook.stubFor(put(urlPathEqualTo(part(tenant, "solo"))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"dryRun\":false,\"items\":[{\"name\":"
                        + "\"inbox\",\"id\":\"0190b3c4-1a2b-7c3d-8e4f-5a6b7c8d9e01\",\"action\":\"created\"}]}")));
        Awaitility.await("the reconciler brings the webhook part").atMost(30, TimeUnit.SECONDS)
                .pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> "Ready".equals(status(tenant, "solo").extract().path("state")));
        // ... and once it holds one, a version without it is sent there so that it goes.
        CronPart.webhook.resetRequests();
        CronPart.webhook.stubFor(put(urlPathEqualTo(part(tenant, "solo"))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"dryRun\":false,\"items\":[{\"name\":"
                        + "\"inbox\",\"id\":\"0190b3c4-1a2b-7c3d-8e4f-5a6b7c8d9e01\",\"action\":\"deleted\"}]}")));
        deploy("PUT", "solo", document(tenant, "@daily")).statusCode(200);
        CronPart.webhook.verify(1, putRequestedFor(urlPathEqualTo(part(tenant, "solo")))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"triggers\":[]")));
        // Now it holds nothing again: its outage no longer matters.
        CronPart.webhook.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathEqualTo(part(tenant, "solo")))
                .willReturn(aResponse().withStatus(503)));
        deploy("PUT", "solo", document(tenant, "@hourly")).statusCode(200);
        // Undeploy asks only the parts that hold something (cron), so it completes.
        CronPart.server.stubFor(delete(urlPathEqualTo(part(tenant, "solo"))).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"dryRun\":false,\"items\":[]}")));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .delete("/api/v1/deployment/workflows/solo/undeploy").then().statusCode(200)
                .body("state", is("Removed"));
    }

    @Test
    void queueAndEmailTriggersGoToTheQueueConsumerAsItsSources() {
        String tenant = tenant();
        CronPart.webhook.stubFor(put(urlPathEqualTo(part(tenant, "streams"))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"dryRun\":false,\"items\":["
                        + "{\"name\":\"stream\",\"id\":\"" + tenant + ":streams:stream\",\"action\":\"created\"},"
                        + "{\"name\":\"mail\",\"id\":\"" + tenant + ":streams:mail\",\"action\":\"created\"}]}")));
        deploy("POST", "streams", """
                {"tenantId": "%s", "dispatch": {"focus": "finance", "maxAttempts": 3},
                 "triggers": [{"name": "stream", "type": "queue", "kafka": {"topic": "%s.invoices"}},
                              {"name": "mail", "type": "email",
                               "imap": {"host": "imap.example.com", "username": "inbox", "password": "secret:mailbox"}}]}
                """.formatted(tenant, tenant)).statusCode(201).body("state", is("Ready"))
                .body("triggers.type", contains("queue", "email"));
        // Each as the queue-consumer's source: its type the broker, the document's defaults as fixed values.
        CronPart.webhook.verify(putRequestedFor(urlPathEqualTo(part(tenant, "streams")))
                .withRequestBody(matchingJsonPath("$.triggers[0].type", equalTo("kafka")))
                .withRequestBody(matchingJsonPath("$.triggers[0].eventName", equalTo("streams")))
                .withRequestBody(matchingJsonPath("$.triggers[0].focus", equalTo("finance")))
                .withRequestBody(matchingJsonPath("$.triggers[0].options.maxAttempts", equalTo("3")))
                .withRequestBody(matchingJsonPath("$.triggers[1].type", equalTo("imap")))
                .withRequestBody(matchingJsonPath("$.triggers[1].imap.password", equalTo("secret:mailbox"))));
        deploy("PUT", "streams", """
                {"tenantId": "%s",
                 "triggers": [{"name": "s", "type": "queue", "kafka": {"topic": "a"}, "amqp": {"address": "b"}},
                              {"name": "t", "type": "queue"}, {"name": "m", "type": "email"}]}
                """.formatted(tenant)).statusCode(422)
                .body("errors.field", containsInAnyOrder("$.triggers[0]", "$.triggers[1]", "$.triggers[2].imap"));
    }
}
