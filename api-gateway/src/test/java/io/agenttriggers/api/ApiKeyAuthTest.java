package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Who may fire an API trigger: API keys (tenant- and trigger-scoped, expirable, revocable) and bearer tokens. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class ApiKeyAuthTest {

    static String trigger(String tenant, String name) {
        Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"" + name + "\",\"path\":\"/" + tenant + "/" + name
                + "\",\"eventName\":\"e\"}");
        return "/" + tenant + "/" + name;
    }

    static int fire(String path, String header, String value) {
        var request = given().contentType("application/json").body("{}");
        if (header != null) {
            request.header(header, value);
        }
        return request.post(path).statusCode();
    }

    @Test
    void keysAreScopedToTheirTenantAndListedTriggers() {
        String tenant = Api.tenant();
        String a = trigger(tenant, "a");
        String b = trigger(tenant, "b");
        String onlyA = Api.key(tenant, "[\"a\"]");
        String any = Api.key(tenant, null);
        String otherTenant = Api.key(Api.tenant(), null);

        given().contentType("application/json").body("{}").post(a)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("X-API-Key"))
                .body("code", is("missing_credentials"));
        org.assertj.core.api.Assertions.assertThat(fire(a, "X-API-Key", onlyA)).isEqualTo(202);
        given().contentType("application/json").body("{}").header("X-API-Key", onlyA).post(b)
                .then().statusCode(403).body("code", is("key_not_allowed"));
        org.assertj.core.api.Assertions.assertThat(fire(b, "X-API-Key", any)).isEqualTo(202);
        org.assertj.core.api.Assertions.assertThat(fire(b, "X-API-Key", otherTenant)).isEqualTo(403);
        given().contentType("application/json").body("{}").header("X-API-Key", "atk_nope").post(a)
                .then().statusCode(401).body("code", is("invalid_api_key"));
    }

    @Test
    void aKeyScopedToATriggerReadsOnlyThatTriggersRuns() {
        String tenant = Api.tenant();
        String a = trigger(tenant, "a");
        String b = trigger(tenant, "b");
        String onlyA = Api.key(tenant, "[\"a\"]");
        String any = Api.key(tenant, null);
        String runOfA = given().contentType("application/json").body("{}").header("X-API-Key", onlyA).post(a)
                .then().statusCode(202).extract().path("runId");
        String runOfB = given().contentType("application/json").body("{}").header("X-API-Key", any).post(b)
                .then().statusCode(202).extract().path("runId");
        given().header("X-API-Key", onlyA).get("/runs/" + runOfA + "/result").then().statusCode(200);
        // Another trigger's run of the same tenant is not this key's to read: as if it did not exist.
        given().header("X-API-Key", onlyA).get("/runs/" + runOfB + "/result")
                .then().statusCode(404).body("code", is("run_not_found"));
        given().header("X-API-Key", any).get("/runs/" + runOfB + "/result").then().statusCode(200);
    }

    @Test
    void aRevokedKeyStopsAtOnceAndAnExpiredOneWhenItExpires() {
        String tenant = Api.tenant();
        String a = trigger(tenant, "a");
        String created = given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"temp\"}")
                .post("/admin/v1/api-keys")
                .then().statusCode(201)
                .body("key", startsWith("atk_"))
                .body("status", is("active"))
                .extract().asString();
        String id = io.restassured.path.json.JsonPath.from(created).getString("id");
        String key = io.restassured.path.json.JsonPath.from(created).getString("key");
        org.assertj.core.api.Assertions.assertThat(fire(a, "X-API-Key", key)).isEqualTo(202);
        // Never shown again.
        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-keys/" + id)
                .then().statusCode(200).body("key", nullValue()).body("keyPrefix", startsWith("atk_"))
                .body(not(containsString(key)));
        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-keys?tenantId=" + tenant)
                .then().statusCode(200).body(not(containsString(key)));

        given().header("Authorization", Api.ADMIN).delete("/admin/v1/api-keys/" + id).then().statusCode(204);
        org.assertj.core.api.Assertions.assertThat(fire(a, "X-API-Key", key)).isEqualTo(401);
        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-keys/" + id)
                .then().body("status", is("revoked"));

        String expiring = given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"short\",\"expiresAt\":\""
                        + OffsetDateTime.now().plusSeconds(6) + "\"}")
                .post("/admin/v1/api-keys").then().statusCode(201).extract().path("key");
        org.assertj.core.api.Assertions.assertThat(fire(a, "X-API-Key", expiring)).isEqualTo(202);
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250))
                .until(() -> fire(a, "X-API-Key", expiring) == 401);

        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"past\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
                .post("/admin/v1/api-keys").then().statusCode(422).body("errors.field[0]", is("expiresAt"));
    }

    @Test
    void bearerTokensNeedTheOperatorOrAdminRoleOverTheTenant() {
        String acme = trigger("acme", "bearer-" + System.nanoTime());
        org.assertj.core.api.Assertions.assertThat(fire(acme, "Authorization", Api.ADMIN)).isEqualTo(202);
        org.assertj.core.api.Assertions.assertThat(fire(acme, "Authorization", "Bearer test-acme-ops")).isEqualTo(202);
        given().contentType("application/json").body("{}").header("Authorization", "Bearer test-acme-viewer")
                .post(acme).then().statusCode(403).body("code", is("token_not_allowed"));
        org.assertj.core.api.Assertions.assertThat(fire(acme, "Authorization", "Bearer wrong")).isEqualTo(401);
        String other = trigger(Api.tenant(), "t");
        org.assertj.core.api.Assertions.assertThat(fire(other, "Authorization", "Bearer test-acme-ops"))
                .isEqualTo(403);
    }

    @Test
    void keyAndTriggerRateLimitsAnswer429WithRetryAfter() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"slow\",\"path\":\"/" + tenant + "/slow\","
                + "\"eventName\":\"e\",\"authRequired\":false,\"rateLimit\":{\"limit\":2,\"period\":\"PT60S\"}}");
        org.assertj.core.api.Assertions.assertThat(fire("/" + tenant + "/slow", null, null)).isEqualTo(202);
        org.assertj.core.api.Assertions.assertThat(fire("/" + tenant + "/slow", null, null)).isEqualTo(202);
        given().contentType("application/json").body("{}").post("/" + tenant + "/slow")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .body("code", is("trigger_rate_limited"))
                .header("Retry-After", not(nullValue()));

        String open = trigger(tenant, "open");
        String limited = given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"lim\",\"rateLimit\":{\"limit\":1,\"period\":\"PT60S\"}}")
                .post("/admin/v1/api-keys").then().statusCode(201).extract().path("key");
        org.assertj.core.api.Assertions.assertThat(fire(open, "X-API-Key", limited)).isEqualTo(202);
        given().contentType("application/json").body("{}").header("X-API-Key", limited).post(open)
                .then().statusCode(429).body("code", is("key_rate_limited")).header("Retry-After", not(nullValue()));
    }
}
