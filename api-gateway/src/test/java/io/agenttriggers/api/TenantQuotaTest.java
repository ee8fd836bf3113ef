package io.agenttriggers.api;

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
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A tenant holds at most so many API triggers, active API keys and manual triggers, however many creates race for
 * the last slot: the registry lock serializes trigger registrations, an advisory lock per tenant the others.
 */
@QuarkusTest
@TestProfile(TenantQuotaTest.SmallQuotas.class)
class TenantQuotaTest {

    static final int LIMIT = 3;

    public static class SmallQuotas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "triggers.api-gateway.max-api-triggers-per-tenant", Integer.toString(LIMIT),
                    "triggers.api-gateway.max-api-keys-per-tenant", Integer.toString(LIMIT),
                    "triggers.api-gateway.max-manual-triggers-per-tenant", Integer.toString(LIMIT));
        }
    }

    static String trigger(String tenant, String name) {
        return "{\"tenantId\":\"" + tenant + "\",\"name\":\"" + name + "\",\"path\":\"/" + tenant + "/" + name
                + "\",\"eventName\":\"e\"}";
    }

    static String key(String tenant, String name) {
        return "{\"tenantId\":\"" + tenant + "\",\"name\":\"" + name + "\"}";
    }

    static String manual(String tenant, String name) {
        return "{\"tenantId\":\"" + tenant + "\",\"eventName\":\"" + name + "\"}";
    }

    static Response post(String path, String json) {
        return given().header("Authorization", Api.ADMIN).contentType("application/json").body(json)
                .when().post(path);
    }

    /** Fills the tenant's quota, sees the next create refused, another tenant unaffected and a delete free a slot. */
    static void refusesPastTheLimitUntilOneIsDeleted(String path, String things, String key,
            java.util.function.BiFunction<String, String, String> body) {
        String tenant = Api.tenant();
        String first = null;
        for (int i = 0; i < LIMIT; i++) {
            String id = post(path, body.apply(tenant, "q" + i)).then().statusCode(201).extract().path("id");
            first = first == null ? id : first;
        }
        post(path, body.apply(tenant, "over")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("tenant_quota_exceeded"))
                .body("detail", containsString("Tenant " + tenant + " already has " + LIMIT + " " + things))
                .body("detail", containsString(key));

        post(path, body.apply(Api.tenant(), "q0")).then().statusCode(201);

        given().header("Authorization", Api.ADMIN).when().delete(path + "/" + first).then().statusCode(204);
        post(path, body.apply(tenant, "over")).then().statusCode(201);
        post(path, body.apply(tenant, "over-again")).then().statusCode(409).body("code", is("tenant_quota_exceeded"));
    }

    /** Sends LIMIT + 5 creates of one fresh tenant at once: exactly LIMIT are created. */
    static void parallelCreatesNeverPassTheLimit(String path, IntFunction<String> body, String tenant)
            throws Exception {
        List<String> bodies = IntStream.range(0, LIMIT + 5).mapToObj(body).toList();
        List<ParallelPosts.Answer> answers = ParallelPosts.post("http://localhost:" + RestAssured.port, path,
                Api.ADMIN, bodies);
        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(LIMIT);
        assertThat(answers).filteredOn(a -> a.status() != 201).hasSize(5).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(409);
            assertThat(JsonPath.from(a.body()).getString("code")).isEqualTo("tenant_quota_exceeded");
        });
        given().header("Authorization", Api.ADMIN).queryParam("tenantId", tenant).queryParam("limit", 100)
                .when().get(path).then().statusCode(200).body("items.size()", is(LIMIT));
    }

    @Test
    void apiTriggersStopAtTheLimitUntilOneIsDeleted() {
        refusesPastTheLimitUntilOneIsDeleted("/admin/v1/api-triggers", "API triggers",
                "triggers.api-gateway.max-api-triggers-per-tenant", TenantQuotaTest::trigger);
    }

    @Test
    void apiKeysStopAtTheLimitUntilOneIsRevoked() {
        // Revoking (DELETE) keeps the record but frees the slot: only active keys count.
        refusesPastTheLimitUntilOneIsDeleted("/admin/v1/api-keys", "active API keys",
                "triggers.api-gateway.max-api-keys-per-tenant", TenantQuotaTest::key);
    }

    @Test
    void manualTriggersStopAtTheLimitUntilOneIsDeleted() {
        refusesPastTheLimitUntilOneIsDeleted("/admin/v1/manual-triggers", "manual triggers",
                "triggers.api-gateway.max-manual-triggers-per-tenant", TenantQuotaTest::manual);
    }

    @Test
    void parallelTriggerRegistrationsNeverPassTheLimit() throws Exception {
        String tenant = Api.tenant();
        parallelCreatesNeverPassTheLimit("/admin/v1/api-triggers", i -> trigger(tenant, "p" + i), tenant);
    }

    @Test
    void parallelKeyCreatesNeverPassTheLimit() throws Exception {
        String tenant = Api.tenant();
        parallelCreatesNeverPassTheLimit("/admin/v1/api-keys", i -> key(tenant, "p" + i), tenant);
    }

    @Test
    void parallelManualTriggerCreatesNeverPassTheLimit() throws Exception {
        String tenant = Api.tenant();
        parallelCreatesNeverPassTheLimit("/admin/v1/manual-triggers", i -> manual(tenant, "p" + i), tenant);
    }
}
