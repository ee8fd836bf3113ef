package io.agenttriggers.cron;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The service starts against the real local stack, reports its dependencies and exposes its metrics. */
@QuarkusTest
class CronServiceHealthTest {

    @Test
    void isReadyWithItsRealDependencies() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("Database connections health check"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void exposesPrometheusMetricsAndOpenApi() {
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("http_server"));
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("info.title", is("Agent Triggers cron-service"));
    }

    @Test
    void answersUnknownPathsWithProblemDetails() {
        given().when().get("/api/v1/nothing")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", is("not_found"));
    }
}
