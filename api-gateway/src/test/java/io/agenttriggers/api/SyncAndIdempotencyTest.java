package io.agenttriggers.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Sync triggers answer with the run's outcome (the dispatcher's part is played by producing outcomes here);
 * Idempotency-Key repeats start nothing; /runs/{id}/result reads the ledger (WireMock plays the dispatcher).
 */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class SyncAndIdempotencyTest {

    static String syncTrigger(String tenant, int timeoutSeconds) {
        String name = "sync" + System.nanoTime();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"name\":\"" + name + "\",\"path\":\"/" + tenant + "/" + name
                + "\",\"eventName\":\"ask\",\"authRequired\":false,\"responseMode\":\"sync\",\"syncTimeoutSeconds\":"
                + timeoutSeconds + "}");
        return "/" + tenant + "/" + name;
    }

    /** Fires the request, waits for its event, then keeps publishing the outcome until the request is answered. */
    static Response fireAndAnswer(String path, String idempotencyKey, Function<String, RunOutcome> outcomeFor) {
        long since = System.currentTimeMillis();
        CompletableFuture<Response> response = CompletableFuture.supplyAsync(() -> {
            var request = given().contentType("application/json").body("{\"q\":\"why\"}");
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            return request.post(path);
        });
        String runId = KafkaTestClient.awaitRecord(Api.inbound(),
                r -> r.timestamp() >= since - 1000 && r.value().getExtension("tenantid") != null
                        && path.startsWith("/" + r.value().getExtension("tenantid") + "/"), Duration.ofSeconds(20))
                .value().getId();
        RunOutcome outcome = outcomeFor.apply(runId);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!response.isDone()) {
                KafkaTestClient.produce(Api.outcomes(), runId, RunOutcomeCodec.toCloudEvent(outcome, "/test"));
            }
            return response.isDone();
        });
        return response.join();
    }

    static RunOutcome outcome(String runId, RunStatus status, String reason, Duration retryAfter) {
        return new RunOutcome(runId, "t", "ask", "api", status, reason, "agent",
                JsonNodeFactory.instance.objectNode().put("answer", 42), status == RunStatus.FAILED ? "agent crashed"
                        : null, null, 1, 1, Duration.ofMillis(5), null, retryAfter, OffsetDateTime.now());
    }

    @Test
    void syncAnswersWithTheResultOrMapsRejectionsAndFailures() {
        Response ok = fireAndAnswer(syncTrigger(Api.tenant(), 20), null,
                id -> outcome(id, RunStatus.SUCCEEDED, null, null));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.jsonPath().getInt("result.answer")).isEqualTo(42);
        assertThat(ok.jsonPath().getString("status")).isEqualTo("succeeded");

        Response limited = fireAndAnswer(syncTrigger(Api.tenant(), 20), null,
                id -> outcome(id, RunStatus.REJECTED, "rate_limited", Duration.ofSeconds(30)));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("30");
        Response denied = fireAndAnswer(syncTrigger(Api.tenant(), 20), null,
                id -> outcome(id, RunStatus.REJECTED, "denied", null));
        assertThat(denied.statusCode()).isEqualTo(403);
        Response budget = fireAndAnswer(syncTrigger(Api.tenant(), 20), null,
                id -> outcome(id, RunStatus.REJECTED, "budget_exhausted", Duration.ofHours(1)));
        assertThat(budget.statusCode()).isEqualTo(503);
        assertThat(budget.header("Retry-After")).isEqualTo("3600");
        Response failed = fireAndAnswer(syncTrigger(Api.tenant(), 20), null,
                id -> outcome(id, RunStatus.FAILED, "http_500", null));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.contentType()).startsWith("application/problem+json");
        assertThat(failed.jsonPath().getString("detail")).contains("agent crashed");
    }

    @Test
    void syncAnswers408WithTheRunIdWhenTheRunOutlastsTheTimeout() {
        Response r = given().contentType("application/json").body("{}").post(syncTrigger(Api.tenant(), 1));
        assertThat(r.statusCode()).isEqualTo(408);
        assertThat(r.jsonPath().getString("status")).isEqualTo("timeout");
        assertThat(r.header("Location")).contains(r.jsonPath().getString("runId"));
    }

    @Test
    void anIdempotentRepeatReturnsTheFirstRunAndStartsNothing() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/idem\",\"eventName\":\"e\","
                + "\"authRequired\":false}");
        String first = given().contentType("application/json").header("Idempotency-Key", "order-1")
                .body("{\"n\":1}").post("/" + tenant + "/idem")
                .then().statusCode(202).extract().path("runId");
        given().contentType("application/json").header("Idempotency-Key", "order-1").body("{\"n\":1}")
                .post("/" + tenant + "/idem")
                .then().statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("runId", is(first));
        given().contentType("application/json").header("Idempotency-Key", "order-1").body("{\"n\":2}")
                .post("/" + tenant + "/idem")
                .then().statusCode(422)
                .body("code", is("idempotency_key_mismatch"));
        // Another key is another run; and exactly one event was published for the repeated key.
        String second = given().contentType("application/json").header("Idempotency-Key", "order-2")
                .body("{\"n\":1}").post("/" + tenant + "/idem")
                .then().statusCode(202).extract().path("runId");
        assertThat(second).isNotEqualTo(first);
        Api.event(second);
        long forTenant = KafkaTestClient.readAll(Api.inbound(),
                r -> tenant.equals(r.value().getExtension("tenantid"))).size();
        assertThat(forTenant).isEqualTo(2);
    }

    @Test
    void aSyncRepeatAnswersTheFirstRunsResultFromTheLedger() {
        String path = syncTrigger(Api.tenant(), 20);
        Response first = fireAndAnswer(path, "ask-1", id -> outcome(id, RunStatus.SUCCEEDED, null, null));
        assertThat(first.statusCode()).isEqualTo(200);
        String runId = first.jsonPath().getString("runId");
        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + runId))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"runId\":\"" + runId + "\",\"tenantId\":\"t\",\"eventName\":\"ask\","
                                + "\"status\":\"succeeded\",\"result\":{\"answer\":42},\"attempts\":1,"
                                + "\"finishedAt\":\"2026-11-24T06:00:00Z\"}")));
        given().contentType("application/json").header("Idempotency-Key", "ask-1").body("{\"q\":\"why\"}").post(path)
                .then().statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("runId", is(runId))
                .body("result.answer", is(42));
    }

    @Test
    void theResultEndpointReadsQueuedThenCompletedAndChecksCredentials() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/secure\",\"eventName\":\"e\"}");
        String key = Api.key(tenant, null);
        String runId = given().contentType("application/json").header("X-API-Key", key).body("{}")
                .post("/" + tenant + "/secure").then().statusCode(202).extract().path("runId");
        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + runId)).willReturn(aResponse().withStatus(404)));
        given().header("X-API-Key", key).get("/runs/" + runId + "/result")
                .then().statusCode(200).body("status", is("queued"));
        given().get("/runs/" + runId + "/result").then().statusCode(401);
        given().header("X-API-Key", Api.key(Api.tenant(), null)).get("/runs/" + runId + "/result")
                .then().statusCode(404);

        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + runId))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"runId\":\"" + runId + "\",\"tenantId\":\"" + tenant + "\",\"status\":"
                                + "\"succeeded\",\"result\":{\"ok\":true}}")));
        given().header("X-API-Key", key).get("/runs/" + runId + "/result")
                .then().statusCode(200)
                .body("status", is("completed"))
                .body("result.ok", is(true));
        given().header("Authorization", Api.ADMIN).get("/runs/" + runId + "/result")
                .then().statusCode(200).body("status", is("completed"));

        // A trigger without credentials: the run id alone reads its result.
        String open = Api.tenant();
        Api.register("{\"tenantId\":\"" + open + "\",\"path\":\"/" + open + "/open\",\"eventName\":\"e\","
                + "\"authRequired\":false}");
        String openRun = given().contentType("application/json").body("{}").post("/" + open + "/open")
                .then().statusCode(202).extract().path("runId");
        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + openRun)).willReturn(aResponse().withStatus(404)));
        given().get("/runs/" + openRun + "/result").then().statusCode(200).body("status", is("queued"));
    }
}
