package io.agenttriggers.webhook;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.testing.TenantIsolationMatrix;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tenant acme's viewer, operator and admin tokens against every operation of this service, aimed at another
 * tenant's endpoint, its versions and its logged deliveries (see {@link TenantIsolationMatrix}): 403/404, never
 * the other tenant's data, nothing of it changed.
 */
@QuarkusTest
class TenantIsolationTest {

    static final String ADMIN = "Bearer test-admin-token";

    @TestHTTPResource("/")
    URI base;

    @Test
    void tenantAcmesCredentialsNeverReachAnotherTenantsEndpointsOrDeliveries() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenantB = "iso-b-" + suffix;
        String name = "b-secret-name-" + suffix;
        String payload = "b-secret-payload-" + suffix;
        String id = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"" + name + "\",\"tenantId\":\"" + tenantB + "\",\"eventName\":\"iso\","
                        + "\"auth\":{\"type\":\"none\"}}")
                .when().post("/api/v1/endpoints").then().statusCode(201).extract().path("id");
        given().contentType("application/json").body("{\"note\":\"" + payload + "\"}")
                .when().post("/webhooks/" + id).then().statusCode(202);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !given().header("Authorization", ADMIN)
                .when().get("/api/v1/endpoints/" + id + "/events").then().statusCode(200).extract()
                .<List<?>>path("items").isEmpty());
        String eventId = given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id + "/events")
                .then().extract().path("items[0].id");

        TenantIsolationMatrix.against(base, tenantB)
                .as("acme-viewer", "Bearer test-acme-viewer")
                .as("acme-operator", "Bearer test-acme-ops")
                .as("acme-admin", "Bearer test-acme-admin")
                .id("id", id)
                .id("eventId", eventId)
                .id("version", "1")
                .marker(name)
                .marker(payload)
                .unchanged("/api/v1/endpoints/" + id)
                .unchanged("/api/v1/endpoints/" + id + "/versions")
                .unchanged("/api/v1/endpoints/" + id + "/events")
                .assertIsolated();
    }
}
