package io.agenttriggers.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SimulatorResourceTest {

    @AfterEach
    void restoreDefaults() {
        given().contentType("application/json")
                .body("{\"latencyMs\":20,\"failureRatio\":0.0,\"mode\":\"sync\",\"retryAfterSeconds\":null}")
                .put("/v1/config").then().statusCode(200);
    }

    @Test
    void answersARunAndCountsCallsPerIdempotencyKey() {
        given().delete("/v1/stats").then().statusCode(204);
        String body = "{\"runId\":\"r1\",\"eventName\":\"hello.world\",\"tenantId\":\"demo\",\"payload\":{\"name\":\"Ada\"}}";
        String agentRunId = given().contentType("application/json").header("Idempotency-Key", "k-1").body(body)
                .when().post("/v1/runs")
                .then().statusCode(200)
                .body("status", is("succeeded"))
                .body("result.echo.name", is("Ada"))
                .body("result.reply", is("Handled hello.world for demo"))
                .body("llmCalls", is(1))
                .extract().path("agentRunId");
        // The same key again: the same run, and a second call counted.
        given().contentType("application/json").header("Idempotency-Key", "k-1").body(body)
                .when().post("/v1/runs")
                .then().statusCode(200).body("agentRunId", is(agentRunId));

        given().when().get("/v1/stats")
                .then().statusCode(200)
                .body("total", is(2))
                .body("byIdempotencyKey.k-1", is(2));
    }

    @Test
    void asyncModeAnswers202ThenRunningThenSucceeded() {
        given().contentType("application/json").body("{\"mode\":\"async\",\"asyncCompletionMs\":3000}")
                .put("/v1/config").then().statusCode(200).body("mode", is("async"));
        String location = given().contentType("application/json").header("Idempotency-Key", "k-async")
                .body("{\"payload\":1}")
                .when().post("/v1/runs")
                .then().statusCode(202)
                .header("Location", notNullValue())
                .body("status", is("running"))
                .extract().header("Location");
        String path = location.substring(location.indexOf("/v1/"));
        given().get(path).then().statusCode(200).body("status", is("running"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() ->
                given().get(path).then().statusCode(200).body("status", is("succeeded")).body("result.echo", is(1)));
    }

    @Test
    void failsOnDemandWithTheConfiguredStatusAndRetryAfter() {
        given().contentType("application/json").body("{\"failureRatio\":1.0,\"failureStatus\":503,\"retryAfterSeconds\":2}")
                .put("/v1/config").then().statusCode(200);
        given().contentType("application/json").body("{}")
                .when().post("/v1/runs")
                .then().statusCode(503).header("Retry-After", "2");
    }

    @Test
    void refusesInvalidSettings() {
        given().contentType("application/json").body("{\"failureRatio\":2}")
                .put("/v1/config").then().statusCode(400).body("detail", startsWith("failureRatio"));
        given().contentType("application/json").body("{\"nonsense\":1}")
                .put("/v1/config").then().statusCode(400);
        given().get("/v1/runs/unknown").then().statusCode(404);
    }
}
