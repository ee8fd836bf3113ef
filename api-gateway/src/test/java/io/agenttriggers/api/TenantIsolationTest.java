package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.testing.TenantIsolationMatrix;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenant acme's viewer, operator and admin tokens and an API key of acme's against every operation of this
 * service, aimed at another tenant's API trigger, API key, manual trigger and run (see
 * {@link TenantIsolationMatrix}): 403/404, never the other tenant's data, nothing of it changed; and acme's key
 * cannot fire the other tenant's trigger or read its run's result.
 */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class TenantIsolationTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void tenantAcmesCredentialsNeverReachAnotherTenantsTriggersKeysOrRuns() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenantB = "iso-b-" + suffix;
        String triggerSecret = "b-secret-trigger-" + suffix;
        String keySecret = "b-secret-key-" + suffix;
        String manualSecret = "b-secret-manual-" + suffix;
        String path = "/" + tenantB + "/isolated";
        String triggerId = Api.register("{\"tenantId\":\"" + tenantB + "\",\"name\":\"isolated\",\"path\":\"" + path
                + "\",\"eventName\":\"e\",\"description\":\"" + triggerSecret + "\"}");
        String keyOfB = given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenantB + "\",\"name\":\"" + keySecret + "\"}")
                .when().post("/admin/v1/api-keys").then().statusCode(201).extract().path("key");
        String keyId = given().header("Authorization", Api.ADMIN).when().get("/admin/v1/api-keys?tenantId=" + tenantB)
                .then().statusCode(200).extract().path("items[0].id");
        String manualId = given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenantB + "\",\"eventName\":\"iso-" + suffix + "\",\"description\":\""
                        + manualSecret + "\"}")
                .post("/admin/v1/manual-triggers").then().statusCode(201).extract().path("id");
        String runId = given().contentType("application/json").body("{}").header("X-API-Key", keyOfB).post(path)
                .then().statusCode(202).extract().path("runId");
        String keyOfA = Api.key("acme", null);

        // acme's key on the other tenant's public path and run.
        assertThat(given().contentType("application/json").body("{}").header("X-API-Key", keyOfA).post(path)
                .statusCode()).isIn(403, 404);
        assertThat(given().header("X-API-Key", keyOfA).get("/runs/" + runId + "/result").statusCode()).isIn(403, 404);
        // acme's operator may fire acme's triggers, not the other tenant's.
        assertThat(given().contentType("application/json").body("{}").header("Authorization", "Bearer test-acme-ops")
                .post(path).statusCode()).isIn(403, 404);

        TenantIsolationMatrix.against(base, tenantB)
                .as("acme-viewer", "Bearer test-acme-viewer")
                .as("acme-operator", "Bearer test-acme-ops")
                .as("acme-admin", "Bearer test-iso-admin")
                .as("acme-api-key", "X-API-Key: " + keyOfA)
                .id("/admin/v1/api-triggers", "id", triggerId)
                .id("/admin/v1/api-keys", "id", keyId)
                .id("/admin/v1/manual-triggers", "id", manualId)
                .id("runId", runId)
                .id("eventName", "iso-" + suffix)
                .marker(triggerSecret)
                .marker(keySecret)
                .marker(manualSecret)
                .unchanged("/admin/v1/api-triggers/" + triggerId)
                .unchanged("/admin/v1/api-keys?tenantId=" + tenantB)
                .unchanged("/admin/v1/manual-triggers/" + manualId)
                .assertIsolated();
    }
}
