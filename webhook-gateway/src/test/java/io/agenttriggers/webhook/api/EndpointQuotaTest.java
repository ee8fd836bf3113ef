package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.testing.ParallelPosts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A tenant holds at most {@code max-endpoints-per-tenant} endpoints, however many creates race for the last slot. */
@QuarkusTest
@TestProfile(EndpointQuotaTest.SmallQuota.class)
class EndpointQuotaTest {

    static final int LIMIT = 3;
    static final String ADMIN = "Bearer test-admin-token";

    public static class SmallQuota implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triggers.webhook-gateway.max-endpoints-per-tenant", Integer.toString(LIMIT));
        }
    }

    static String endpoint(String tenant, String name) {
        return "{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant + "\",\"eventName\":\"e\","
                + "\"auth\":{\"type\":\"none\"}}";
    }

    static io.restassured.response.Response post(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/endpoints");
    }

    @Test
    void refusesTheCreatePastTheLimitUntilOneIsDeleted() {
        String tenant = WebhookIngressTest.tenant();
        String first = null;
        for (int i = 0; i < LIMIT; i++) {
            String id = post(endpoint(tenant, "q" + i)).then().statusCode(201).extract().path("id");
            first = first == null ? id : first;
        }
        post(endpoint(tenant, "one-too-many")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("tenant_quota_exceeded"))
                .body("detail", containsString("Tenant " + tenant + " already has " + LIMIT + " webhook endpoints"))
                .body("detail", containsString("triggers.webhook-gateway.max-endpoints-per-tenant"));

        // Another tenant's quota is its own.
        post(endpoint(WebhookIngressTest.tenant(), "q0")).then().statusCode(201);

        // Deleting one frees its slot.
        given().header("Authorization", ADMIN).when().delete("/api/v1/endpoints/" + first).then().statusCode(204);
        post(endpoint(tenant, "one-too-many")).then().statusCode(201);
        post(endpoint(tenant, "again-too-many")).then().statusCode(409).body("code", is("tenant_quota_exceeded"));
    }

    @Test
    void parallelCreatesNeverPassTheLimit() throws Exception {
        String tenant = WebhookIngressTest.tenant();
        List<String> bodies = IntStream.range(0, LIMIT + 5).mapToObj(i -> endpoint(tenant, "p" + i)).toList();

        List<ParallelPosts.Answer> answers = ParallelPosts.post("http://localhost:" + RestAssured.port,
                "/api/v1/endpoints", ADMIN, bodies);

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(LIMIT);
        assertThat(answers).filteredOn(a -> a.status() != 201)
                .hasSize(5).allSatisfy(a -> {
                    assertThat(a.status()).isEqualTo(409);
                    assertThat(JsonPath.from(a.body()).getString("code")).isEqualTo("tenant_quota_exceeded");
                });
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("limit", 100)
                .when().get("/api/v1/endpoints").then().statusCode(200).body("items.size()", is(LIMIT));
    }
}
