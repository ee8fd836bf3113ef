package io.agenttriggers.governance.api;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The governance part of workflow deployments: a workflow's governance block becomes one policy of its tenant that
 * applies to the workflow's events only, refuses REST edits, and goes with the part.
 */
@QuarkusTest
class DeploymentPartTest {

    static String part(String tenant, String workflow) {
        return "/internal/v1/deployments/" + tenant + "/" + workflow;
    }

    static String evaluate(String tenant, String workflowId) {
        return given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"eventName\":\"invoice-review\""
                        + (workflowId == null ? "" : ",\"workflowId\":\"" + workflowId + "\"") + "}")
                .post("/api/v1/evaluate").then().statusCode(200).extract().path("verdict");
    }

    @Test
    void theBlockIsAPolicyOfTheWorkflowsEventsOnly() {
        String tenant = tenant("wf");
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 1, \"triggers\": [{\"action\": \"deny\"}]}")
                .put(part(tenant, "invoice-review")).then().statusCode(200)
                .body("items.action", contains("created")).body("items[0].name", is("governance"))
                .body("items[0].observed.policy", is("workflow-invoice-review"));
        String id = given().header("Authorization", ADMIN).queryParam("tenantId", tenant).get("/api/v1/policies")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].managedBy", is("deployment"))
                .body("items[0].match.condition", is("event.workflowId == 'invoice-review'"))
                .extract().path("items[0].id");
        // The workflow's events are governed by it; the tenant's other events are not.
        Awaitility.await("the policy set takes it").atMost(10, TimeUnit.SECONDS)
                .until(() -> "rejected".equals(evaluate(tenant, "invoice-review")));
        org.assertj.core.api.Assertions.assertThat(evaluate(tenant, null)).isEqualTo("approved");
        org.assertj.core.api.Assertions.assertThat(evaluate(tenant, "another")).isEqualTo("approved");

        given().header("Authorization", ADMIN).delete("/api/v1/policies/" + id).then().statusCode(409)
                .body("code", is("managed_by_deployment"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 2, \"triggers\": [{\"quota\": {\"maxRunsPerDay\": -1}}]}")
                .put(part(tenant, "invoice-review")).then().statusCode(422)
                .body("errors.field", hasItem("triggers[0].quota.maxRunsPerDay"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"version\": 2, \"triggers\": [{}, {}]}")
                .put(part(tenant, "invoice-review")).then().statusCode(422);

        given().header("Authorization", ADMIN).delete(part(tenant, "invoice-review")).then().statusCode(200)
                .body("items.action", contains("deleted"));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).get("/api/v1/policies")
                .then().statusCode(200).body("items", hasSize(0));
        Awaitility.await("the policy goes").atMost(10, TimeUnit.SECONDS)
                .until(() -> "approved".equals(evaluate(tenant, "invoice-review")));
    }
}
