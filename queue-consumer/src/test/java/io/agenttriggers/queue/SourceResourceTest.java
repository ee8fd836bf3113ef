package io.agenttriggers.queue;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The sources API: listing, reading, paging, errors and who may pause. */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class SourceResourceTest {

    static final String ADMIN = "Bearer test-admin-token";

    @Test
    void listsEveryDeclaredSourceByName() {
        given().header("Authorization", "Bearer test-viewer").queryParam("origin", "declared").get("/api/v1/sources")
                .then().statusCode(200)
                .body("items.name", contains("amqp-team", "amqp-wrong", "imap-invoices", "imap-support", "imap-wrong",
                        "kafka-team", "rabbit-plain", "rabbit-requeue", "rabbit-team", "sqs-team"))
                .body("items.find { it.name == 'rabbit-team' }.type", equalTo("rabbitmq"))
                .body("items.find { it.name == 'rabbit-team' }.eventName", equalTo("header:amqp.type"))
                .body("nextCursor", nullValue())
                .body("items.find { it.name == 'kafka-team' }.type", equalTo("kafka"))
                .body("items.find { it.name == 'kafka-team' }.eventName", equalTo("$.type"))
                .body("items.find { it.name == 'kafka-team' }.tenantId", equalTo("header:tenant (default demo)"))
                .body("items.find { it.name == 'kafka-team' }.address", startsWith("kafka://127.0.0.1:9092/"))
                .body("items.find { it.name == 'kafka-team' }.counters", notNullValue())
                .body("items.find { it.name == 'sqs-team' }.dedupKey", equalTo("message id"));
    }

    @Test
    void pagesWithACursor() {
        String cursor = given().header("Authorization", ADMIN).queryParam("origin", "declared").queryParam("limit", 4)
                .get("/api/v1/sources").then()
                .statusCode(200).body("items.name", contains("amqp-team", "amqp-wrong", "imap-invoices", "imap-support"))
                .extract().path("nextCursor");
        String next = given().header("Authorization", ADMIN).queryParam("origin", "declared").queryParam("limit", 4)
                .queryParam("cursor", cursor)
                .get("/api/v1/sources").then().statusCode(200)
                .body("items.name", contains("imap-wrong", "kafka-team", "rabbit-plain", "rabbit-requeue")).extract()
                .path("nextCursor");
        given().header("Authorization", ADMIN).queryParam("origin", "declared").queryParam("limit", 4)
                .queryParam("cursor", next)
                .get("/api/v1/sources").then().statusCode(200)
                .body("items.name", contains("rabbit-team", "sqs-team")).body("nextCursor", nullValue());
        given().header("Authorization", ADMIN).queryParam("origin", "declared").queryParam("type", "imap")
                .get("/api/v1/sources").then()
                .body("items.name", contains("imap-invoices", "imap-support", "imap-wrong"));
    }

    @Test
    void aSourceThatCannotConnectSaysSoWithoutItsCredentials() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                given().header("Authorization", ADMIN).get("/api/v1/sources/imap-wrong").then().statusCode(200)
                        .body("state", equalTo("reconnecting"))
                        .body("lastError", equalTo("IMAP: AuthenticationFailedException")));
    }

    @Test
    void unknownSourceIs404ProblemJson() {
        given().header("Authorization", ADMIN).get("/api/v1/sources/nope").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("source-not-found"));
        given().header("Authorization", ADMIN).post("/api/v1/sources/nope/pause").then().statusCode(404)
                .body("code", equalTo("source-not-found"));
    }

    @Test
    void aTenantScopedTokenSeesOnlySourcesOfItsOwnTenant() {
        // Sources whose tenant is fixed to acme; those reading the tenant from each message feed other tenants too.
        given().header("Authorization", "Bearer test-acme-operator").get("/api/v1/sources").then().statusCode(200)
                .body("items.name", contains("amqp-wrong", "imap-invoices", "imap-support", "imap-wrong"));
        given().header("Authorization", "Bearer test-acme-operator").get("/api/v1/sources/kafka-team").then()
                .statusCode(404).body("code", equalTo("source-not-found"));
        given().header("Authorization", "Bearer test-acme-operator").get("/api/v1/sources/imap-support").then()
                .statusCode(200);
    }

    @Test
    void readingNeedsAToken() {
        given().get("/api/v1/sources").then().statusCode(401);
    }

    @Test
    void viewersCannotPauseAndTenantScopedOperatorsCannotEither() {
        given().header("Authorization", "Bearer test-viewer").post("/api/v1/sources/sqs-team/pause").then()
                .statusCode(403);
        given().header("Authorization", "Bearer test-acme-operator").post("/api/v1/sources/sqs-team/pause").then()
                .statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("source-not-operable"));
        given().header("Authorization", ADMIN).get("/api/v1/sources/sqs-team").then().body("paused", equalTo(false));
    }

    @Test
    void metricsCarryEverySourceCounter() {
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.allOf(
                org.hamcrest.Matchers.containsString("triggers_queue_messages_consumed_total{source=\"kafka-team\""),
                org.hamcrest.Matchers.containsString("triggers_queue_events_published_total"),
                org.hamcrest.Matchers.containsString("triggers_queue_parse_failures_total"),
                org.hamcrest.Matchers.containsString("triggers_queue_dead_lettered_total"),
                org.hamcrest.Matchers.containsString("triggers_queue_publish_retries_total"),
                org.hamcrest.Matchers.containsString("triggers_queue_dedup_keys_extracted_total"),
                org.hamcrest.Matchers.containsString("triggers_queue_processing_seconds_bucket"),
                org.hamcrest.Matchers.containsString("triggers_queue_backlog{source=\"sqs-team\""),
                org.hamcrest.Matchers.containsString("triggers_queue_paused{source=\"imap-support\"")));
    }

    @Test
    void healthListsTheBrokers() {
        given().get("/q/health/ready").then().body("checks.name", hasItems("AMQP 1.0 broker"));
    }
}
