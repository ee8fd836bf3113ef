package io.agenttriggers.governance;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.testing.TenantIsolationMatrix;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenant acme's viewer, operator and admin tokens against every operation of this service, aimed at another
 * tenant's policy and its versions (see {@link TenantIsolationMatrix}): 403/404, never the other tenant's data,
 * nothing of it changed.
 */
@QuarkusTest
class TenantIsolationTest {

    static final String ADMIN = "Bearer test-admin-token";

    @TestHTTPResource("/")
    URI base;

    @Test
    void tenantAcmesCredentialsNeverReachAnotherTenantsPolicies() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenantB = "iso-b-" + suffix;
        String name = "b-secret-policy-" + suffix;
        String description = "b-secret-description-" + suffix;
        // Disabled, so it takes part in no other test's decisions.
        String id = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"" + name + "\",\"tenantId\":\"" + tenantB + "\",\"description\":\"" + description
                        + "\",\"enabled\":false}")
                .when().post("/api/v1/policies").then().statusCode(201).extract().path("id");

        TenantIsolationMatrix.against(base, tenantB)
                .as("acme-viewer", "Bearer test-iso-viewer")
                .as("acme-operator", "Bearer test-iso-ops")
                .as("acme-admin", "Bearer test-iso-admin")
                .id("id", id)
                .id("version", "1")
                .id("key", tenantB + ":" + name)
                .marker(name)
                .marker(description)
                .unchanged("/api/v1/policies/" + id)
                .unchanged("/api/v1/policies/" + id + "/versions")
                .assertIsolated();
    }
}
