package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.testing.AdmissionChecks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The api-gateway's admission limit at a limit of one: while one call is in progress (its publish waiting for a Kafka
 * that is not there), the next is refused 503 {@code overloaded} at once; an unknown path is refused for what it is
 * and frees its place; once the first call ended, the next is admitted again.
 */
@QuarkusTest
@TestProfile(AdmissionLimitTest.OneAtATime.class)
class AdmissionLimitTest {

    public static class OneAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return AdmissionChecks.oneAtATimeWithKafkaAway("triggers.api-gateway.publish-timeout");
        }
    }

    @Test
    void aCallPastTheLimitIsRefusedAtOnceAndTheNextOneAfterIsAdmitted() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/limited\",\"eventName\":\"limited\","
                + "\"authRequired\":false}");

        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> call(tenant + "/limited"));
        await().atMost(Duration.ofSeconds(5)).until(() -> meter("triggers_ingress_in_flight") == 1.0);

        call(tenant + "/limited").then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "1")
                .body("code", is("overloaded"));
        assertThat(first).isNotDone();

        first.join().then().statusCode(503).body("code", is("not_durable"));
        assertThat(meter("triggers_ingress_in_flight")).isZero();
        // An unknown path is admitted, refused for what it is (404), and leaves its place free.
        call(tenant + "/nowhere").then().statusCode(404);
        assertThat(meter("triggers_ingress_in_flight")).isZero();
        call(tenant + "/limited").then().statusCode(503).body("code", is("not_durable"));
    }

    private static Response call(String path) {
        return given().contentType("application/json").body("{\"n\":1}").post("/" + path);
    }

    private static double meter(String name) {
        return AdmissionChecks.meter(given().when().get("/q/metrics").then().statusCode(200).extract().asString(),
                name);
    }
}
