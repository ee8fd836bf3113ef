package io.agenttriggers.governance.api;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.decision;
import static io.agenttriggers.governance.GovernanceTesting.event;
import static io.agenttriggers.governance.GovernanceTesting.send;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.agenttriggers.common.event.TriggerEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PoliciesResourceTest {

    static String policy(String tenant, String name, String extra) {
        return "{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant + "\"" + extra + "}";
    }

    @Test
    void createReadUpdateVersionsRollbackAndDelete() {
        String t = tenant("crud");
        String id = createPolicy(policy(t, "limits", ",\"priority\":5,\"rateLimit\":{\"limit\":10,\"period\":\"PT1M\"}"));
        given().header("Authorization", ADMIN).when().get("/api/v1/policies/" + id)
                .then().statusCode(200).header("ETag", is("\"1\""))
                .body("version", is(1)).body("managedBy", is("api")).body("name", is("limits"))
                .body("rateLimit.key", is("tenant")).body("rateLimit.period", is("PT1M"))
                .body("onUnavailable", is("fail-closed")).body("action", is("allow"));

        given().header("Authorization", ADMIN).header("If-Match", "\"1\"").contentType("application/json")
                .body(policy(t, "limits", ",\"priority\":7,\"action\":\"deny\""))
                .when().put("/api/v1/policies/" + id)
                .then().statusCode(200).body("version", is(2)).body("action", is("deny"));
        given().header("Authorization", ADMIN).header("If-Match", "\"1\"").contentType("application/json")
                .body(policy(t, "limits", "")).when().put("/api/v1/policies/" + id)
                .then().statusCode(412).body("code", is("version_conflict"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(policy(t + "-other", "limits", "")).when().put("/api/v1/policies/" + id)
                .then().statusCode(422).body("errors.field", hasItem("tenantId"));

        given().header("Authorization", ADMIN).when().get("/api/v1/policies/" + id + "/versions")
                .then().statusCode(200).body("items.version", hasItems(2, 1)).body("items[0].change", is("updated"));
        given().header("Authorization", ADMIN).when().post("/api/v1/policies/" + id + "/versions/1/rollback")
                .then().statusCode(200).body("version", is(3)).body("action", is("allow"))
                .body("rateLimit.limit", is(10));
        given().header("Authorization", ADMIN).when().post("/api/v1/policies/" + id + "/versions/9/rollback")
                .then().statusCode(404).body("code", is("version_not_found"));

        given().header("Authorization", ADMIN).queryParam("tenantId", t).when().get("/api/v1/policies")
                .then().statusCode(200).body("items.size()", is(1)).body("items[0].id", is(id));
        given().header("Authorization", ADMIN).when().delete("/api/v1/policies/" + id).then().statusCode(204);
        given().header("Authorization", ADMIN).when().get("/api/v1/policies/" + id)
                .then().statusCode(404).contentType("application/problem+json").body("code", is("policy_not_found"));
    }

    @Test
    void refusesInvalidPoliciesDuplicatesAndCallersOutsideTheirScope() {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"x\",\"tenantId\":\"acme\",\"rateLimit\":{\"limit\":0},\"action\":\"perhaps\","
                        + "\"match\":{\"condition\":\"event.(\"}}")
                .when().post("/api/v1/policies")
                .then().statusCode(422).contentType("application/problem+json").body("code", is("invalid_policy"))
                .body("errors.field", hasItems("rateLimit.limit", "rateLimit.period", "action", "match.condition"));
        // Tenant-scoped even here: should the refusal ever regress, no global policy leaks into other tests.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"x\",\"tenantId\":\"" + tenant("typo") + "\",\"ratelimit\":{}}")
                .when().post("/api/v1/policies").then().statusCode(400).body("code", is("invalid_json"));
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"name\":")
                .when().post("/api/v1/policies").then().statusCode(400).body("code", is("invalid_json"));

        String t = tenant("dup");
        createPolicy(policy(t, "same", ""));
        given().header("Authorization", ADMIN).contentType("application/json").body(policy(t, "same", ""))
                .when().post("/api/v1/policies").then().statusCode(409).body("code", is("name_taken"));

        // A tenant's admin manages its own tenant only, never global policies; a viewer only reads.
        given().header("Authorization", "Bearer test-acme-admin").contentType("application/json")
                .body(policy("globex", "theirs", "")).when().post("/api/v1/policies").then().statusCode(403);
        given().header("Authorization", "Bearer test-acme-admin").contentType("application/json")
                .body("{\"name\":\"everyone\"}").when().post("/api/v1/policies").then().statusCode(403);
        given().header("Authorization", "Bearer test-acme-viewer").contentType("application/json")
                .body(policy("acme", "mine", "")).when().post("/api/v1/policies").then().statusCode(403);
        String foreign = createPolicy(policy(t, "foreign", ""));
        given().header("Authorization", "Bearer test-acme-viewer").when().get("/api/v1/policies/" + foreign)
                .then().statusCode(404);
        given().header("Authorization", "Bearer test-acme-viewer").queryParam("tenantId", t)
                .when().get("/api/v1/policies").then().statusCode(403);
        given().when().get("/api/v1/policies").then().statusCode(401);
    }

    @Test
    void aDenyPolicyRejectsItsTenantsEventsAtOnceAndTheDryRunSaysWhy() {
        String t = tenant("deny");
        String id = createPolicy(policy(t, "no-secrets", ",\"priority\":10,\"action\":\"deny\","
                + "\"match\":{\"eventNames\":[\"secret.*\"]}"));
        TriggerEvent denied = send(event(t, "secret.read"));
        TriggerEvent allowed = send(event(t, "public.read"));
        JsonPath d = decision(denied);
        assertThat(d.getString("verdict")).isEqualTo("rejected");
        assertThat(d.getString("reason")).isEqualTo("denied");
        assertThat(d.getString("policyId")).isEqualTo(id);
        assertThat(d.getInt("policyVersion")).isEqualTo(1);
        assertThat(decision(allowed).getString("verdict")).isEqualTo("approved");
        assertThat(decision(allowed).getString("policyId")).isEqualTo("default");

        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + t + "\",\"triggerType\":\"api\",\"eventName\":\"secret.write\"}")
                .when().post("/api/v1/evaluate")
                .then().statusCode(200).body("verdict", is("rejected")).body("reason", is("denied"))
                .body("policyName", is("no-secrets")).body("matched[0]", is("no-secrets@1"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + t + "\",\"triggerType\":\"telepathy\"}")
                .when().post("/api/v1/evaluate")
                .then().statusCode(422).body("errors.field", hasItems("eventName", "triggerType"));
    }

    @Test
    void theDeclarativeFileIsReconciledAndItsPoliciesRefuseRestEdits() throws Exception {
        String t = tenant("file");
        Path file = Path.of("target", "test-policies.yaml");
        Files.writeString(file, """
                policies:
                  - name: from-file
                    tenantId: %s
                    priority: 3
                    quota:
                      maxRunsPerDay: ${GOV_TEST_QUOTA:7}
                """.formatted(t));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", t).when().get("/api/v1/policies")
                .then().body("items.size()", is(1)).body("items[0].managedBy", is("file"))
                .body("items[0].quota.maxRunsPerDay", is(7)));
        String id = given().header("Authorization", ADMIN).queryParam("tenantId", t).when().get("/api/v1/policies")
                .then().extract().path("items[0].id");
        given().header("Authorization", ADMIN).contentType("application/json").body(policy(t, "from-file", ""))
                .when().put("/api/v1/policies/" + id).then().statusCode(409).body("code", is("managed_by_file"));
        given().header("Authorization", ADMIN).when().delete("/api/v1/policies/" + id)
                .then().statusCode(409).body("code", is("managed_by_file"));

        // An invalid file changes nothing; emptying the file removes what it managed.
        double errorsBefore = fileErrors();
        Files.writeString(file, "policies:\n  - name: broken\n    tenantId: " + t + "\n    action: sometimes\n");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> fileErrors() > errorsBefore);
        given().header("Authorization", ADMIN).when().get("/api/v1/policies/" + id).then().statusCode(200);
        Files.writeString(file, "policies: []\n");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .when().get("/api/v1/policies/" + id).then().statusCode(404));
        assertThat(id).isNotNull();
    }

    /** {@code governance_policies_file_errors_total}, 0 before the first error. */
    static double fileErrors() {
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        return metrics.lines().filter(l -> l.startsWith("governance_policies_file_errors_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void openApiListsThePolicyAndDashboardEndpoints() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/policies'", notNullValue())
                .body("paths.'/api/v1/evaluate'", notNullValue())
                .body("paths.'/api/v1/decisions/stream'", notNullValue())
                .body("paths.'/api/v1/stats'", notNullValue())
                .body("paths.'/api/v1/budgets'", notNullValue())
                .body("paths.'/api/v1/circuits'", notNullValue());
    }
}
