package io.agenttriggers.cron.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** The cron part of workflow deployments: a workflow's schedules set whole, recognised by name. */
@QuarkusTest
@QuarkusTestResource(Backends.class)
class DeploymentPartTest {

    static ValidatableResponse put(String tenant, String workflow, String query, String body) {
        return given().header("Authorization", ScheduleResourceTest.ADMIN).contentType("application/json")
                .body(body).put("/internal/v1/deployments/" + tenant + "/" + workflow + query).then();
    }

    static String schedules(String... entries) {
        return "{\"version\":1,\"triggers\":[" + String.join(",", entries) + "]}";
    }

    static String schedule(String name, String expression) {
        return "{\"name\":\"" + name + "\",\"eventName\":\"invoice.review\",\"expression\":\"" + expression + "\"}";
    }

    @Test
    void createsKeepsChangesAndDeletesTheWorkflowsSchedules() {
        String tenant = ScheduleResourceTest.tenant();
        put(tenant, "invoices", "", schedules(schedule("nightly", "0 2 * * *"), schedule("hourly", "@hourly")))
                .statusCode(200).body("items.action", contains("created", "created"))
                .body("items[0].observed.nextFireAt", notNullValue());
        String nightly = given().header("Authorization", ScheduleResourceTest.ADMIN)
                .get("/api/v1/schedules?tenantId=" + tenant).then().statusCode(200).body("items", hasSize(2))
                .body("items.managedBy", hasItem("deployment")).body("items.workflowId", hasItem("invoices"))
                .extract().path("items.find { it.name == 'nightly' }.id");
        String nextFire = given().header("Authorization", ScheduleResourceTest.ADMIN)
                .get("/api/v1/schedules/" + nightly).then().extract().path("nextFireAt");

        // Direct edits of a deployment's schedule are refused; so is a workflow id in a REST body.
        given().header("Authorization", ScheduleResourceTest.ADMIN).delete("/api/v1/schedules/" + nightly)
                .then().statusCode(409).body("code", is("managed_by_deployment"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"eventName\":\"e\",\"expression\":\"@daily\","
                        + "\"workflowId\":\"invoices\"}")
                .post("/api/v1/schedules").then().statusCode(422).body("errors[0].field", is("workflowId"));

        // A dry run plans and changes nothing.
        put(tenant, "invoices", "?dryRun=true", schedules(schedule("nightly", "0 2 * * *"),
                schedule("hourly", "*/5 * * * *"), schedule("weekly", "@weekly")))
                .statusCode(200).body("dryRun", is(true))
                .body("items.action", containsInAnyOrder("unchanged", "updated", "created"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/api/v1/schedules?tenantId=" + tenant)
                .then().body("items", hasSize(2));

        // The next version keeps the unchanged schedule as it was and drops the one it no longer names.
        put(tenant, "invoices", "", schedules(schedule("nightly", "0 2 * * *"), schedule("weekly", "@weekly")))
                .statusCode(200).body("items.action", containsInAnyOrder("unchanged", "created", "deleted"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/api/v1/schedules/" + nightly)
                .then().statusCode(200).body("version", is(1)).body("nextFireAt", is(nextFire));
        given().header("Authorization", ScheduleResourceTest.ADMIN)
                .get("/internal/v1/deployments/" + tenant + "/invoices").then().statusCode(200)
                .body("items.name", containsInAnyOrder("nightly", "weekly"));

        given().header("Authorization", ScheduleResourceTest.ADMIN)
                .delete("/internal/v1/deployments/" + tenant + "/invoices").then().statusCode(200)
                .body("items.action", contains("deleted", "deleted"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/api/v1/schedules?tenantId=" + tenant)
                .then().body("items", hasSize(0));
    }

    @Test
    void anInvalidPartNamesItsFieldsAndChangesNothing() {
        String tenant = ScheduleResourceTest.tenant();
        put(tenant, "wf", "", schedules(schedule("a", "@daily"))).statusCode(200);
        put(tenant, "wf", "", schedules(schedule("a", "@daily"), schedule("b", "61 * * * *"),
                "{\"eventName\":\"e\",\"expression\":\"@daily\"}", schedule("a", "@hourly")))
                .statusCode(422).body("code", is("invalid_deployment_part"))
                .body("errors.field", containsInAnyOrder("triggers[1].expression", "triggers[2].name",
                        "triggers[3].name"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/internal/v1/deployments/" + tenant + "/wf")
                .then().body("items.name", contains("a"));
        put(tenant, "bad id!", "", schedules()).statusCode(400).body("code", is("invalid_workflow_id"));
        put("other-" + tenant, "wf", "", "{\"triggers\":[{\"tenantId\":\"" + tenant + "\",\"name\":\"x\","
                + "\"eventName\":\"e\",\"expression\":\"@daily\"}]}")
                .statusCode(422).body("errors[0].field", is("triggers[0].tenantId"));
    }

    @Test
    void workflowsOfOneTenantDoNotTouchEachOther() {
        String tenant = ScheduleResourceTest.tenant();
        put(tenant, "one", "", schedules(schedule("nightly", "@daily"))).statusCode(200);
        put(tenant, "two", "", schedules(schedule("nightly", "@daily"))).statusCode(200);
        put(tenant, "one", "", schedules()).statusCode(200).body("items.action", contains("deleted"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/internal/v1/deployments/" + tenant + "/two")
                .then().body("items", hasSize(1));
    }
}
