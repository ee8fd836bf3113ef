package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Manual triggers: role checks and the two-step confirmation. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class ManualTriggerTest {

    static final String OPS = "Bearer test-acme-ops";

    @Inject
    RedisDataSource redis;

    static String manual(String json) {
        return given().header("Authorization", Api.ADMIN).contentType("application/json").body(json)
                .post("/admin/v1/manual-triggers").then().statusCode(201).extract().path("id");
    }

    @Test
    void firesAtOnceWhenNoConfirmationIsAsked() {
        String event = "reindex-" + System.nanoTime();
        String id = manual("{\"tenantId\":\"acme\",\"eventName\":\"" + event + "\",\"focus\":\"ops\"}");
        String runId = given().header("Authorization", OPS).contentType("application/json").body("{\"scope\":\"all\"}")
                .post("/api/v1/manual/" + event)
                .then().statusCode(202).body("status", is("accepted")).extract().path("runId");
        TriggerEvent published = Api.event(runId);
        assertThat(published.type()).isEqualTo(TriggerType.MANUAL);
        assertThat(published.source()).isEqualTo("/manual/" + id);
        assertThat(published.data().payload().get("scope").asText()).isEqualTo("all");
        assertThat(published.data().headers()).containsEntry("x-fired-by", "acme-ops");
        // Viewers read, they do not fire; unknown event names are 404.
        given().header("Authorization", "Bearer test-acme-viewer").post("/api/v1/manual/" + event)
                .then().statusCode(403).body("code", is("role_not_allowed"));
        given().header("Authorization", OPS).post("/api/v1/manual/nothing-" + System.nanoTime())
                .then().statusCode(404);
        given().post("/api/v1/manual/" + event).then().statusCode(401);
    }

    @Test
    void runsOnlyOnTheSecondCallWithASingleUseToken() {
        String event = "purge-" + System.nanoTime();
        manual("{\"tenantId\":\"acme\",\"eventName\":\"" + event + "\",\"requireConfirmation\":true}");
        String token = given().header("Authorization", OPS).contentType("application/json").body("{\"days\":30}")
                .post("/api/v1/manual/" + event)
                .then().statusCode(202)
                .body("status", is("confirmation_required"))
                .body("confirmationToken", startsWith("ct_"))
                .body("expiresAt", notNullValue())
                .body("runId", org.hamcrest.Matchers.nullValue())
                .extract().path("confirmationToken");
        given().header("Authorization", OPS).header("X-Confirmation-Token", token).contentType("application/json")
                .body("{\"days\":1}").post("/api/v1/manual/" + event)
                .then().statusCode(422).body("code", is("confirmation_payload_mismatch"));
        // The mismatch used the token up: ask again.
        String again = given().header("Authorization", OPS).contentType("application/json").body("{\"days\":30}")
                .post("/api/v1/manual/" + event).then().statusCode(202).extract().path("confirmationToken");
        String runId = given().header("Authorization", OPS).header("X-Confirmation-Token", again)
                .post("/api/v1/manual/" + event)
                .then().statusCode(202).body("status", is("accepted")).extract().path("runId");
        assertThat(Api.event(runId).data().payload().get("days").asInt()).isEqualTo(30);
        given().header("Authorization", OPS).header("X-Confirmation-Token", again).post("/api/v1/manual/" + event)
                .then().statusCode(409).body("code", is("confirmation_invalid"));
        // Another caller cannot redeem someone else's token.
        String mine = given().header("Authorization", OPS).post("/api/v1/manual/" + event)
                .then().statusCode(202).extract().path("confirmationToken");
        given().header("Authorization", Api.ADMIN).header("X-Confirmation-Token", mine)
                .post("/api/v1/manual/" + event).then().statusCode(409);
    }

    @Test
    void refusesAnExpiredToken() {
        String event = "rotate-" + System.nanoTime();
        manual("{\"tenantId\":\"acme\",\"eventName\":\"" + event + "\",\"requireConfirmation\":true,"
                + "\"confirmationTtlSeconds\":1}");
        String token = given().header("Authorization", OPS).post("/api/v1/manual/" + event)
                .then().statusCode(202).extract().path("confirmationToken");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> redis.key().exists("triggers:api:confirm:" + token) == false);
        given().header("Authorization", OPS).header("X-Confirmation-Token", token).post("/api/v1/manual/" + event)
                .then().statusCode(409).body("code", is("confirmation_invalid"));
    }

    @Test
    void validatesRegistrations() {
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"acme\",\"eventName\":\"bad name!\",\"roles\":[\"root\"],"
                        + "\"confirmationTtlSeconds\":0}")
                .post("/admin/v1/manual-triggers")
                .then().statusCode(422)
                .body("errors.size()", is(3));
        String event = "dup-" + System.nanoTime();
        manual("{\"tenantId\":\"acme\",\"eventName\":\"" + event + "\"}");
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"acme\",\"eventName\":\"" + event + "\"}")
                .post("/admin/v1/manual-triggers").then().statusCode(409);
        given().header("Authorization", OPS).contentType("application/json")
                .body("{\"tenantId\":\"acme\",\"eventName\":\"x" + event + "\"}")
                .post("/admin/v1/manual-triggers").then().statusCode(403);
    }
}
