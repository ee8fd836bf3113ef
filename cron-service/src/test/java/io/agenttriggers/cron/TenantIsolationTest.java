package io.agenttriggers.cron;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.testing.TenantIsolationMatrix;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenant acme's viewer, operator and admin tokens against every operation of this service, aimed at another
 * tenant's schedule (see {@link TenantIsolationMatrix}): 403/404, never the other tenant's data, nothing of it
 * changed (not paused, fired, backfilled or deleted).
 */
@QuarkusTest
class TenantIsolationTest {

    static final String ADMIN = "Bearer test-admin-token";

    @TestHTTPResource("/")
    URI base;

    @Test
    void tenantAcmesCredentialsNeverReachAnotherTenantsSchedules() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenantB = "iso-b-" + suffix;
        String description = "b-secret-description-" + suffix;
        String payload = "b-secret-payload-" + suffix;
        // Yearly and disabled: it never fires during the test.
        String id = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenantB + "\",\"eventName\":\"report\",\"expression\":\"0 0 1 1 *\","
                        + "\"enabled\":false,\"description\":\"" + description + "\",\"payload\":{\"note\":\""
                        + payload + "\"}}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");

        TenantIsolationMatrix.against(base, tenantB)
                .as("acme-viewer", "Bearer test-iso-viewer")
                .as("acme-operator", "Bearer test-iso-ops")
                .as("acme-admin", "Bearer test-iso-admin")
                .id("id", id)
                .marker(description)
                .marker(payload)
                .unchanged("/api/v1/schedules/" + id)
                .assertIsolated();
    }
}
