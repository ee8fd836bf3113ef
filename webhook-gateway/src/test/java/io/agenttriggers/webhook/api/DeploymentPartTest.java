package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.agenttriggers.webhook.domain.SignatureVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The webhook part of workflow deployments: endpoints set whole per workflow, their secret shown once, reached by
 * the workflow's public URL with the endpoint's own authentication, their events carrying the workflow id, guarded
 * from REST edits, and gone (URL 404) when the part is emptied.
 */
@QuarkusTest
class DeploymentPartTest {

    static final String ADMIN = WebhookIngressTest.ADMIN;

    static String part(String tenant, String workflow) {
        return "/internal/v1/deployments/" + tenant + "/" + workflow;
    }

    static String hmac(String secret, String body) {
        return HexFormat.of().formatHex(SignatureVerifier.mac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void deploysEndpointsReachableByWorkflowUrlAndRemovesThem() {
        String tenant = WebhookIngressTest.tenant();
        String workflow = "invoice-review";
        String body = """
                {"version": 1, "triggers": [
                  {"name": "inbox", "eventName": "invoice-review", "auth": {"type": "hmac", "header": "X-Sig"}},
                  {"name": "open", "eventName": "invoice-review", "auth": {"type": "none"}, "focus": "f"}]}""";
        JsonPath created = given().header("Authorization", ADMIN).contentType("application/json").body(body)
                .when().put(part(tenant, workflow)).then().statusCode(200)
                .body("items.action", containsInAnyOrder("created", "created"))
                .extract().jsonPath();
        String secret = created.getString("items.find { it.name == 'inbox' }.observed.secret");
        String inboxId = created.getString("items.find { it.name == 'inbox' }.id");
        assertThat(secret).isNotBlank();

        // Read back: the secret is never shown again.
        given().header("Authorization", ADMIN).when().get(part(tenant, workflow)).then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.find { it.name == 'inbox' }.observed.secret", nullValue())
                .body("items.find { it.name == 'inbox' }.observed.secretHint", notNullValue())
                .body("items.find { it.name == 'inbox' }.observed.workflowUrl",
                        is("/api/v1/public/webhook/workflow/" + workflow + "?tenantId=" + tenant + "&trigger=inbox"));

        // The same part again changes nothing: same id, no new secret.
        given().header("Authorization", ADMIN).contentType("application/json").body(body)
                .when().put(part(tenant, workflow)).then().statusCode(200)
                .body("items.action", containsInAnyOrder("unchanged", "unchanged"))
                .body("items.find { it.name == 'inbox' }.id", is(inboxId))
                .body("items.find { it.name == 'inbox' }.observed.secret", nullValue());

        String url = "/api/v1/public/webhook/workflow/" + workflow;
        String payload = "{\"invoice\":42}";
        // Two webhook triggers: the URL must name one.
        given().contentType("application/json").body(payload).when().post(url + "?tenantId=" + tenant)
                .then().statusCode(400).body("code", is("trigger_required"));
        given().contentType("application/json").body(payload).when().post(url)
                .then().statusCode(400).body("code", is("tenant_required"));
        // The endpoint's own authentication applies.
        given().contentType("application/json").body(payload).when()
                .post(url + "?tenantId=" + tenant + "&trigger=inbox").then().statusCode(401);
        String runId = given().contentType("application/json").header("X-Sig", hmac(secret, payload)).body(payload)
                .when().post(url + "?tenantId=" + tenant + "&trigger=inbox").then().statusCode(202)
                .extract().path("runId");
        TriggerEvent event = TriggerEventCodec.fromCloudEvent(KafkaTestClient.awaitRecord(
                WebhookIngressTest.inbound(), r -> runId.equals(r.value().getId()), Duration.ofSeconds(20)).value());
        assertThat(event.workflowId()).isEqualTo(workflow);
        assertThat(event.tenantId()).isEqualTo(tenant);
        assertThat(event.source()).isEqualTo("/webhooks/" + inboxId);

        // A deployment's endpoint is changed through the deployment only; its secret still rotates here.
        given().header("Authorization", ADMIN).when().delete("/api/v1/endpoints/" + inboxId)
                .then().statusCode(409).body("code", is("managed_by_deployment"));
        given().header("Authorization", ADMIN).contentType("application/json").body("{}")
                .when().post("/api/v1/endpoints/" + inboxId + "/rotate-secret").then().statusCode(200)
                .body("secret", notNullValue());
        // Its names are the workflow's: the REST API may use the same name in the tenant.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"inbox\",\"tenantId\":\"" + tenant + "\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"}}")
                .when().post("/api/v1/endpoints").then().statusCode(201);

        // Down to one trigger: the URL needs no trigger name; the removed endpoint's URL answers 404 at once.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 2, \"triggers\": [{\"name\": \"open\", \"eventName\": \"invoice-review\", "
                        + "\"auth\": {\"type\": \"none\"}, \"focus\": \"g\"}]}")
                .when().put(part(tenant, workflow)).then().statusCode(200)
                .body("items.find { it.name == 'open' }.action", is("updated"))
                .body("items.find { it.name == 'inbox' }.action", is("deleted"));
        given().contentType("application/json").body(payload).when().post("/webhooks/" + inboxId)
                .then().statusCode(404);
        given().contentType("application/json").body(payload).when().post(url + "?tenantId=" + tenant)
                .then().statusCode(202);

        given().header("Authorization", ADMIN).when().delete(part(tenant, workflow)).then().statusCode(200)
                .body("items.action", containsInAnyOrder("deleted"));
        given().contentType("application/json").body(payload).when().post(url + "?tenantId=" + tenant)
                .then().statusCode(404).body("code", is("workflow_webhook_not_found"));
    }

    @Test
    void refusesAnInvalidPartWholeWithFieldsByIndex() {
        String tenant = WebhookIngressTest.tenant();
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 1, \"triggers\": [{\"name\": \"ok\", \"eventName\": \"e\", \"auth\": {\"type\": "
                        + "\"none\"}}, {\"name\": \"bad\", \"eventName\": \"e\", \"auth\": {\"type\": \"none\"}, "
                        + "\"filter\": \"payload.(\"}, {\"name\": \"ok\", \"eventName\": \"e\", \"auth\": {\"type\": "
                        + "\"none\"}, \"tenantId\": \"someone-else\"}]}")
                .when().put(part(tenant, "wf")).then().statusCode(422)
                .body("code", is("invalid_deployment_part"))
                .body("errors.field", containsInAnyOrder("triggers[2].tenantId"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 1, \"triggers\": [{\"name\": \"ok\", \"eventName\": \"e\", \"auth\": {\"type\": "
                        + "\"none\"}}, {\"name\": \"bad\", \"eventName\": \"e\", \"auth\": {\"type\": \"none\"}, "
                        + "\"filter\": \"payload.(\"}, {\"name\": \"ok\", \"eventName\": \"e\", \"auth\": {\"type\": "
                        + "\"none\"}}]}")
                .when().put(part(tenant, "wf")).then().statusCode(422)
                .body("errors.field", containsInAnyOrder("triggers[1].filter", "triggers[2].name"));
        given().header("Authorization", ADMIN).when().get(part(tenant, "wf")).then().statusCode(200)
                .body("items", hasSize(0));
        given().contentType("application/json").body("{}").when()
                .post("/api/v1/public/webhook/workflow/wf?tenantId=" + tenant + "&trigger=" + UUID.randomUUID())
                .then().statusCode(404);
    }
}
