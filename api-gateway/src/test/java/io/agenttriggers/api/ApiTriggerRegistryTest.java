package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.persistence.TriggerStore;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.testing.CountingHttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Registering API triggers at run time: validation, conflicts, templates, and how soon routes change. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class ApiTriggerRegistryTest {

    @Inject
    TriggerStore store;

    @Test
    void servesARegisteredTemplatedTriggerWithTheTemplateValuesInThePayload() {
        String tenant = Api.tenant();
        String id = Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"analyse\",\"path\":\"/" + tenant
                + "/orders/{orderId}/analyse\",\"eventName\":\"orders.analyse\",\"authRequired\":false,"
                + "\"focus\":\"fraud\",\"options\":{\"migrationWeight\":0.5}}");

        io.restassured.response.Response accepted = given().contentType("application/json").body("{\"amount\":12}")
                .when().post("/" + tenant + "/orders/o-9/analyse")
                .then().statusCode(202).extract().response();
        String runId = accepted.path("runId");
        assertThat(accepted.header("Location")).endsWith("/runs/" + runId + "/result");
        TriggerEvent event = Api.event(runId);
        assertThat(event.source()).isEqualTo("/api/" + id);
        assertThat(event.tenantId()).isEqualTo(tenant);
        assertThat(event.focus()).isEqualTo("fraud");
        assertThat(event.data().payload().get("orderId").asText()).isEqualTo("o-9");
        assertThat(event.data().payload().get("amount").asInt()).isEqualTo(12);
        assertThat(event.data().options().migrationWeight()).isEqualTo(0.5);
    }

    @Test
    void theMostSpecificTemplateWins() {
        String tenant = Api.tenant();
        String general = Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"g\",\"path\":\"/" + tenant
                + "/items/{id}\",\"eventName\":\"items.any\",\"authRequired\":false}");
        String special = Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"s\",\"path\":\"/" + tenant
                + "/items/special\",\"eventName\":\"items.special\",\"authRequired\":false}");

        String specialRun = given().contentType("application/json").body("{}").post("/" + tenant + "/items/special")
                .then().statusCode(202).extract().path("runId");
        String generalRun = given().contentType("application/json").body("{}").post("/" + tenant + "/items/other")
                .then().statusCode(202).extract().path("runId");
        assertThat(Api.event(specialRun).source()).isEqualTo("/api/" + special);
        assertThat(Api.event(generalRun).source()).isEqualTo("/api/" + general);
        // GET is not served there: 405 with the methods that are.
        given().get("/" + tenant + "/items/special").then().statusCode(405).header("Allow", "POST");
    }

    @Test
    void refusesARequestSchemaThatReferencesAnotherDocumentWithoutFetchingIt() {
        String tenant = Api.tenant();
        try (CountingHttpServer server = CountingHttpServer.start()) {
            String url = server.url("/order.json");
            Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/orders\",\"eventName\":\"e\","
                            + "\"requestSchema\":{\"type\":\"object\",\"properties\":{\"o\":{\"$ref\":\"" + url + "\"}}}}")
                    .then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("code", is("invalid_trigger"))
                    .body("errors.find { it.field == 'requestSchema' }.message",
                            is("$ref '" + url + "' points outside the schema; only references within the schema are allowed"));
            Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/orders\",\"eventName\":\"e\","
                            + "\"requestSchema\":{\"$schema\":\"" + server.url("/meta") + "\"}}")
                    .then().statusCode(422)
                    .body("errors.field", hasItem("requestSchema"));
            assertThat(server.requests()).isZero();
        }
    }

    @Test
    void refusesReservedPathsInvalidFieldsAndConflicts() {
        String tenant = Api.tenant();
        for (String path : new String[] { "/q/health", "/admin/v1/x", "/runs/x", "/api/v1/runs/x", "/" }) {
            Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"path\":\"" + path + "\",\"eventName\":\"e\"}")
                    .then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("code", is("invalid_trigger"))
                    .body("errors.field", hasItem("path"));
        }
        Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/a/{x\",\"eventName\":\"e\","
                        + "\"method\":\"TRACE\",\"syncTimeoutSeconds\":0,\"requestSchema\":{\"$ref\":\"http://evil/x\"}}")
                .then().statusCode(422)
                .body("errors.field", hasItem("method"))
                .body("errors.field", hasItem("syncTimeoutSeconds"))
                .body("errors.field", hasItem("requestSchema"))
                .body("errors.field", hasItem("path"));
        Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/x\",\"eventName\":\"e\",\"bogus\":1}")
                .then().statusCode(400);

        Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"one\",\"path\":\"/" + tenant
                + "/c/{a}\",\"eventName\":\"e\"}");
        Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"name\":\"two\",\"path\":\"/" + tenant
                        + "/c/{b}\",\"eventName\":\"e\"}")
                .then().statusCode(409)
                .body("code", is("route_taken"));
        Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"name\":\"one\",\"path\":\"/" + tenant
                        + "/d\",\"eventName\":\"e\"}")
                .then().statusCode(409)
                .body("code", is("name_taken"));
        // The configuration's demo route is taken too.
        Api.registerRaw("{\"tenantId\":\"" + tenant + "\",\"path\":\"/api/v1/hello\",\"eventName\":\"e\"}")
                .then().statusCode(409)
                .body("code", is("route_taken"));
    }

    @Test
    void updatesAreVersionedAndDeletesStopServing() {
        String tenant = Api.tenant();
        String body = "{\"tenantId\":\"" + tenant + "\",\"name\":\"u\",\"path\":\"/" + tenant
                + "/u\",\"eventName\":\"e1\",\"authRequired\":false}";
        String id = Api.register(body);
        // Only the event name changes (a random tenant may contain "e1" too).
        String updated = body.replace("\"eventName\":\"e1\"", "\"eventName\":\"e2\"");
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .header("If-Match", "\"7\"").body(updated)
                .put("/admin/v1/api-triggers/" + id)
                .then().statusCode(412).body("code", is("version_conflict"));
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .header("If-Match", "\"1\"").body(updated)
                .put("/admin/v1/api-triggers/" + id)
                .then().statusCode(200).body("version", is(2)).body("eventName", is("e2"));
        String runId = given().contentType("application/json").body("{}").post("/" + tenant + "/u")
                .then().statusCode(202).extract().path("runId");
        assertThat(Api.event(runId).eventName()).isEqualTo("e2");

        given().header("Authorization", Api.ADMIN).delete("/admin/v1/api-triggers/" + id).then().statusCode(204);
        given().contentType("application/json").body("{}").post("/" + tenant + "/u")
                .then().statusCode(404).body("code", is("unknown_trigger"));
        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-triggers/" + id).then().statusCode(404);
    }

    @Test
    void everyVersionIsKeptAndARollbackServesAnOldRegistrationAgain() {
        String tenant = Api.tenant();
        String v1 = "{\"tenantId\":\"" + tenant + "\",\"name\":\"r\",\"path\":\"/" + tenant
                + "/r1\",\"eventName\":\"r.one\",\"authRequired\":false}";
        String id = Api.register(v1);
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body(v1.replace("/r1", "/r2").replace("r.one", "r.two"))
                .put("/admin/v1/api-triggers/" + id)
                .then().statusCode(200).body("version", is(2));
        // Another trigger of the tenant takes version 1's path meanwhile: the rollback is refused, nothing changes.
        String squatter = Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"s\",\"path\":\"/" + tenant
                + "/r1\",\"eventName\":\"s\"}");
        given().header("Authorization", Api.ADMIN).post("/admin/v1/api-triggers/" + id + "/versions/1/rollback")
                .then().statusCode(409).contentType("application/problem+json").body("code", is("route_taken"))
                .body("detail", containsString(squatter));
        given().header("Authorization", Api.ADMIN).delete("/admin/v1/api-triggers/" + squatter).then().statusCode(204);

        given().header("Authorization", Api.ADMIN).post("/admin/v1/api-triggers/" + id + "/versions/9/rollback")
                .then().statusCode(404).body("code", is("version_not_found"));
        given().header("Authorization", Api.ADMIN).post("/admin/v1/api-triggers/" + id + "/versions/1/rollback")
                .then().statusCode(200).header("ETag", containsString("3"))
                .body("version", is(3)).body("path", is("/" + tenant + "/r1")).body("eventName", is("r.one"));
        String runId = given().contentType("application/json").body("{}").post("/" + tenant + "/r1")
                .then().statusCode(202).extract().path("runId");
        assertThat(Api.event(runId).eventName()).isEqualTo("r.one");
        given().contentType("application/json").body("{}").post("/" + tenant + "/r2").then().statusCode(404);

        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-triggers/" + id + "/versions?limit=2")
                .then().statusCode(200)
                .body("items.version", is(java.util.List.of(3, 2)))
                .body("items[0].change", is("rolled_back_to_1"))
                .body("items[1].config.eventName", is("r.two"))
                .body("nextCursor", notNullValue());
        given().header("Authorization", "Bearer test-acme-viewer").get("/admin/v1/api-triggers/" + id + "/versions")
                .then().statusCode(404);
    }

    @Test
    void listsByTenantWithPaginationAndHidesOtherTenants() {
        String tenant = Api.tenant();
        for (int i = 0; i < 3; i++) {
            Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"l" + i + "\",\"path\":\"/" + tenant + "/l" + i
                    + "\",\"eventName\":\"e\"}");
        }
        String cursor = given().header("Authorization", Api.ADMIN)
                .get("/admin/v1/api-triggers?tenantId=" + tenant + "&limit=2")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].name", is("l2"))
                .body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        given().header("Authorization", Api.ADMIN)
                .get("/admin/v1/api-triggers?tenantId=" + tenant + "&limit=2&cursor=" + cursor)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].name", is("l0"));
        given().header("Authorization", "Bearer test-acme-viewer")
                .get("/admin/v1/api-triggers?tenantId=" + tenant)
                .then().statusCode(403);
        given().get("/admin/v1/api-triggers").then().statusCode(401);
    }

    @Test
    void aTriggerRegisteredThroughAnotherReplicaIsServedWithinASecond() {
        String tenant = Api.tenant();
        // Another replica writes the database and bumps the revision; this one only polls.
        store.create(new ApiTriggerSpec(tenant, "elsewhere", "POST", "/" + tenant + "/elsewhere", "e", null, null,
                null, null, false, null, null, null, null, true, null), "api", k -> null).await().atMost(Duration.ofSeconds(10));
        // Replicas poll every route-refresh (0.2 s in tests, 0.5 s by default).
        Awaitility.await().atMost(3, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() ->
                given().contentType("application/json").body("{}").post("/" + tenant + "/elsewhere").statusCode() == 202);
        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-triggers?tenantId=" + tenant)
                .then().body("items[0].managedBy", is("api")).body(containsString("elsewhere"));
    }
}
