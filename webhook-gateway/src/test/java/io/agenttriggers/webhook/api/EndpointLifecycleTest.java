package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EndpointLifecycleTest {

    static final String ADMIN = "Bearer test-admin-token";

    static String spec(String tenant, String name, String eventName, String extra) {
        return "{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant + "\",\"eventName\":\"" + eventName
                + "\",\"auth\":{\"type\":\"github\"}" + extra + "}";
    }

    static Map<String, Object> create(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/endpoints").then().statusCode(201).extract().jsonPath().getMap("$");
    }

    @Test
    void everyUpdateIsAVersionAndARollbackRestoresAnEarlierOne() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String id = (String) create(spec(tenant, "repo", "github", ",\"secret\":\"first-secret\"")).get("id");

        given().header("Authorization", ADMIN).contentType("application/json").header("If-Match", "\"1\"")
                .body(spec(tenant, "repo", "gh", ",\"focus\":\"security\""))
                .when().put("/api/v1/endpoints/" + id)
                .then().statusCode(200).header("ETag", "\"2\"")
                .body("version", is(2)).body("eventName", is("gh")).body("focus", is("security"));
        // A stale If-Match is refused instead of overwriting the newer version.
        given().header("Authorization", ADMIN).contentType("application/json").header("If-Match", "\"1\"")
                .body(spec(tenant, "repo", "lost", "")).when().put("/api/v1/endpoints/" + id)
                .then().statusCode(412).body("code", is("version_conflict"));
        // The tenant and the secret cannot change through an update.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(spec("other", "repo", "gh", "")).when().put("/api/v1/endpoints/" + id)
                .then().statusCode(422).body("errors[0].field", is("tenantId"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(spec(tenant, "repo", "gh", ",\"secret\":\"sneaky-secret\"")).when().put("/api/v1/endpoints/" + id)
                .then().statusCode(422).body("errors[0].field", is("secret"));

        given().header("Authorization", ADMIN).queryParam("limit", 1).when().get("/api/v1/endpoints/" + id + "/versions")
                .then().statusCode(200).body("items[0].version", is(2)).body("items[0].change", is("updated"))
                .body("nextCursor", notNullValue());

        given().header("Authorization", ADMIN).when().post("/api/v1/endpoints/" + id + "/versions/1/rollback")
                .then().statusCode(200).body("version", is(3)).body("eventName", is("github"))
                .body("focus", nullValue());
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id + "/versions")
                .then().body("items[0].change", is("rolled_back_to_1")).body("items.size()", is(3));
        given().header("Authorization", ADMIN).when().post("/api/v1/endpoints/" + id + "/versions/9/rollback")
                .then().statusCode(404).body("code", is("version_not_found"));
        given().header("Authorization", "Bearer test-acme-viewer").when()
                .get("/api/v1/endpoints/" + id + "/versions").then().statusCode(404);
    }

    @Test
    void aRotatedSecretVerifiesAndTheOldOneOnlyDuringTheGracePeriod() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String id = (String) create(spec(tenant, "rot", "github", ",\"secret\":\"old-secret-1\"")).get("id");
        String body = "{\"x\":1}";

        Map<String, Object> rotated = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"gracePeriod\":\"PT1H\"}").when().post("/api/v1/endpoints/" + id + "/rotate-secret")
                .then().statusCode(200).body("previousSecretExpiresAt", notNullValue())
                .extract().jsonPath().getMap("$");
        String fresh = (String) rotated.get("secret");
        assertThat(fresh).isNotBlank().isNotEqualTo("old-secret-1");

        for (String secret : new String[] { "old-secret-1", fresh }) {
            given().contentType("application/json").header("X-Hub-Signature-256",
                            WebhookIngressTest.githubSignature(secret, body))
                    .header("X-GitHub-Event", "push").body(body).when().post("/webhooks/" + id)
                    .then().statusCode(202);
        }

        // A rotation without grace retires the old secret at once.
        String newest = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"gracePeriod\":\"PT0S\",\"secret\":\"newest-secret\"}")
                .when().post("/api/v1/endpoints/" + id + "/rotate-secret")
                .then().statusCode(200).extract().path("secret");
        assertThat(newest).isEqualTo("newest-secret");
        given().contentType("application/json").header("X-Hub-Signature-256",
                        WebhookIngressTest.githubSignature(fresh, body))
                .body(body).when().post("/webhooks/" + id).then().statusCode(403);
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"gracePeriod\":\"P30D\"}")
                .when().post("/api/v1/endpoints/" + id + "/rotate-secret").then().statusCode(422);
    }

    @Test
    void aDryRunShowsVerificationPayloadAndTheEventWithoutPublishing() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String id = (String) create(spec(tenant, "dry", "github", ",\"secret\":\"dry-secret-1\"")).get("id");
        String body = "{\"ref\":\"refs/heads/main\"}";
        String sig = WebhookIngressTest.githubSignature("dry-secret-1", body);
        String request = "{\"body\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(body)
                + ",\"headers\":{\"X-GitHub-Event\":\"push\",\"X-GitHub-Delivery\":\"d-1\","
                + "\"X-Hub-Signature-256\":\"" + sig + "\",\"Content-Type\":\"application/json\"}}";
        given().header("Authorization", ADMIN).contentType("application/json").body(request)
                .when().post("/api/v1/endpoints/" + id + "/test")
                .then().statusCode(200)
                .body("outcome", is("would_publish"))
                .body("verification.ok", is(true))
                .body("payload.ref", is("refs/heads/main"))
                .body("deliveryId", is("d-1"))
                .body("event.type", is("io.agenttriggers.trigger.webhook"))
                .body("event.subject", is("github.push"))
                .body("event.dedupkey", is(id + ":d-1"))
                .body("event.data.payload.ref", is("refs/heads/main"));

        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"body\":{\"ref\":\"x\"},\"headers\":{\"X-Hub-Signature-256\":\"sha256=00\"}}")
                .when().post("/api/v1/endpoints/" + id + "/test")
                .then().statusCode(200).body("outcome", is("rejected")).body("verification.code", is("bad_signature"));
    }

    @Test
    void listsEndpointsFilteredByEventNameAndEnabled() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String pushes = (String) create(spec(tenant, "pushes", "github.push", "")).get("id");
        String issues = (String) create(spec(tenant, "issues", "github.issues", "")).get("id");
        String paused = (String) create(spec(tenant, "paused", "github.push", ",\"enabled\":false")).get("id");

        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("eventName", "github.push")
                .when().get("/api/v1/endpoints")
                .then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.containsInAnyOrder(pushes, paused));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("enabled", false)
                .when().get("/api/v1/endpoints")
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.contains(paused));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("enabled", true)
                .when().get("/api/v1/endpoints")
                .then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.containsInAnyOrder(pushes, issues));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("eventName", "github.push")
                .queryParam("enabled", true).when().get("/api/v1/endpoints")
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.contains(pushes));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("eventName", "nothing.here")
                .when().get("/api/v1/endpoints")
                .then().statusCode(200).body("items.size()", is(0));
    }

    /** A version past the JVM's small-Integer cache compared like any other (it once compared by reference). */
    @Test
    void ifMatchHoldsAtEveryVersionOfALongHistoryAndOneOfRacingWritersWins() throws Exception {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String id = (String) create(spec(tenant, "long", "e0", ",\"secret\":\"long-history-secret\"")).get("id");
        for (int v = 1; v <= 140; v++) {
            given().header("Authorization", ADMIN).contentType("application/json").header("If-Match", "\"" + v + "\"")
                    .body(spec(tenant, "long", "e" + v, "")).when().put("/api/v1/endpoints/" + id)
                    .then().statusCode(200).header("ETag", "\"" + (v + 1) + "\"");
        }
        given().header("Authorization", ADMIN).contentType("application/json").header("If-Match", "\"140\"")
                .body(spec(tenant, "long", "stale", "")).when().put("/api/v1/endpoints/" + id)
                .then().statusCode(412).body("code", is("version_conflict"));

        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> racing = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String eventName = "race" + i;
                racing.add(pool.submit(() -> given().header("Authorization", ADMIN).contentType("application/json")
                        .header("If-Match", "\"141\"").body(spec(tenant, "long", eventName, ""))
                        .when().put("/api/v1/endpoints/" + id).statusCode()));
            }
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var f : racing) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnly(200, 412);
            assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id)
                .then().statusCode(200).body("version", is(142));
    }
}
