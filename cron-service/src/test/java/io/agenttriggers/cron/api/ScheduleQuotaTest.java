package io.agenttriggers.cron.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.testing.ParallelPosts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A tenant holds at most {@code max-schedules-per-tenant} schedules, however many creates race for the last slot. */
@QuarkusTest
@QuarkusTestResource(Backends.class)
@TestProfile(ScheduleQuotaTest.SmallQuota.class)
class ScheduleQuotaTest {

    static final int LIMIT = 3;
    static final String ADMIN = "Bearer test-admin-token";

    public static class SmallQuota implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triggers.cron-service.max-schedules-per-tenant", Integer.toString(LIMIT));
        }
    }

    /** Disabled, so nothing fires while the test runs. */
    static String schedule(String tenant, String eventName) {
        return "{\"tenantId\":\"" + tenant + "\",\"eventName\":\"" + eventName + "\",\"expression\":\"0 0 1 1 *\","
                + "\"enabled\":false}";
    }

    static Response create(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/schedules");
    }

    @Test
    void refusesTheCreatePastTheLimitUntilOneIsDeleted() {
        String tenant = ScheduleResourceTest.tenant();
        String first = null;
        for (int i = 0; i < LIMIT; i++) {
            String id = create(schedule(tenant, "q" + i)).then().statusCode(201).extract().path("id");
            first = first == null ? id : first;
        }
        create(schedule(tenant, "over")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("tenant_quota_exceeded"))
                .body("detail", containsString("Tenant " + tenant + " already has " + LIMIT + " schedules"))
                .body("detail", containsString("triggers.cron-service.max-schedules-per-tenant"));

        create(schedule(ScheduleResourceTest.tenant(), "q0")).then().statusCode(201);

        given().header("Authorization", ADMIN).when().delete("/api/v1/schedules/" + first).then().statusCode(204);
        create(schedule(tenant, "over")).then().statusCode(201);
        create(schedule(tenant, "over-again")).then().statusCode(409).body("code", is("tenant_quota_exceeded"));
    }

    @Test
    void parallelCreatesNeverPassTheLimit() throws Exception {
        String tenant = ScheduleResourceTest.tenant();
        List<String> bodies = IntStream.range(0, LIMIT + 5).mapToObj(i -> schedule(tenant, "p" + i)).toList();

        List<ParallelPosts.Answer> answers = ParallelPosts.post("http://localhost:" + RestAssured.port,
                "/api/v1/schedules", ADMIN, bodies);

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(LIMIT);
        assertThat(answers).filteredOn(a -> a.status() != 201).hasSize(5).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(409);
            assertThat(JsonPath.from(a.body()).getString("code")).isEqualTo("tenant_quota_exceeded");
        });
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("limit", 100)
                .when().get("/api/v1/schedules").then().statusCode(200).body("items.size()", is(LIMIT));
    }

    @Test
    void governancesPolicyQuotaIsAnsweredAsSuchAndTheScheduleIsNotKept() {
        String tenant = ScheduleResourceTest.tenant();
        // The schedule's governance block becomes a policy of the tenant, which governance refuses at its quota.
        Backends.server.stubFor(post(urlEqualTo("/api/v1/policies"))
                .withRequestBody(matchingJsonPath("$.tenantId", equalTo(tenant)))
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":409,\"code\":\"tenant_quota_exceeded\",\"detail\":\"Tenant " + tenant
                                + " already has 200 policies, the most it may have\"}")));

        create("{\"tenantId\":\"" + tenant + "\",\"eventName\":\"g\",\"expression\":\"0 0 1 1 *\",\"enabled\":false,"
                + "\"governance\":{\"maxRunsPerDay\":2}}")
                .then().statusCode(409)
                .body("code", is("tenant_quota_exceeded"))
                .body("detail", containsString("already has 200 policies"));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .when().get("/api/v1/schedules").then().statusCode(200).body("items.size()", is(0));
    }
}
