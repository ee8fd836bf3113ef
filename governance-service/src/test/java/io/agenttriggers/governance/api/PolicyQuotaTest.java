package io.agenttriggers.governance.api;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
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
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every policy is scanned for every event, so a tenant holds at most {@code max-policies-per-tenant} of them and
 * there are at most {@code max-global-policies} global ones, however many creates race for the last slot.
 */
@QuarkusTest
@TestProfile(PolicyQuotaTest.SmallQuotas.class)
class PolicyQuotaTest {

    static final int LIMIT = 3;

    public static class SmallQuotas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No global policy may be created here: one would apply to every other test's events.
            return Map.of("triggers.governance.max-policies-per-tenant", Integer.toString(LIMIT),
                    "triggers.governance.max-global-policies", "0");
        }
    }

    /** Disabled, so it never takes part in a decision. */
    static String policy(String tenant, String name) {
        return "{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant + "\",\"enabled\":false}";
    }

    static Response create(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/policies");
    }

    @Test
    void refusesTheCreatePastTheLimitUntilOneIsDeleted() {
        String t = tenant("quota");
        String first = null;
        for (int i = 0; i < LIMIT; i++) {
            String id = create(policy(t, "q" + i)).then().statusCode(201).extract().path("id");
            first = first == null ? id : first;
        }
        create(policy(t, "over")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("tenant_quota_exceeded"))
                .body("detail", containsString("Tenant " + t + " already has " + LIMIT + " policies"))
                .body("detail", containsString("triggers.governance.max-policies-per-tenant"));

        create(policy(tenant("other"), "q0")).then().statusCode(201);

        given().header("Authorization", ADMIN).when().delete("/api/v1/policies/" + first).then().statusCode(204);
        create(policy(t, "over")).then().statusCode(201);
        create(policy(t, "over-again")).then().statusCode(409).body("code", is("tenant_quota_exceeded"));
    }

    @Test
    void parallelCreatesNeverPassTheLimit() throws Exception {
        String t = tenant("race");
        List<String> bodies = IntStream.range(0, LIMIT + 5).mapToObj(i -> policy(t, "p" + i)).toList();

        List<ParallelPosts.Answer> answers = ParallelPosts.post("http://localhost:" + RestAssured.port,
                "/api/v1/policies", ADMIN, bodies);

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(LIMIT);
        assertThat(answers).filteredOn(a -> a.status() != 201).hasSize(5).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(409);
            assertThat(JsonPath.from(a.body()).getString("code")).isEqualTo("tenant_quota_exceeded");
        });
        given().header("Authorization", ADMIN).queryParam("tenantId", t).queryParam("limit", 100)
                .when().get("/api/v1/policies").then().statusCode(200).body("items.size()", is(LIMIT));
    }

    @Test
    void globalPoliciesHaveTheirOwnBound() {
        String name = "global-probe-" + UUID.randomUUID().toString().substring(0, 8);
        Response answer = create("{\"name\":\"" + name + "\",\"enabled\":false}");
        String created = answer.statusCode() == 201 ? answer.path("id") : null;
        try {
            answer.then().statusCode(409)
                    .body("code", is("tenant_quota_exceeded"))
                    .body("detail", containsString("global policies"))
                    .body("detail", containsString("triggers.governance.max-global-policies"));
        } finally {
            if (created != null) {
                given().header("Authorization", ADMIN).when().delete("/api/v1/policies/" + created);
            }
        }
        // A tenant's quota is not the global one.
        create(policy(tenant("beside-global"), "q0")).then().statusCode(201);
    }
}
