package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Sync endpoints answer with the run's outcome; the dispatcher's part is played by producing outcomes here. */
@QuarkusTest
class SyncModeTest {

    static String outcomes() {
        return ConfigProvider.getConfig().getValue("mp.messaging.incoming.\"triggers.outcomes\".topic", String.class);
    }

    static String syncEndpoint(int timeoutSeconds) {
        return (String) WebhookIngressTest.created("{\"name\":\"sync-" + System.nanoTime() + "\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"ask\",\"auth\":{\"type\":\"none\"},"
                + "\"responseMode\":\"sync\",\"syncTimeoutSeconds\":" + timeoutSeconds + "}").get("id");
    }

    /** Fires the request, waits for its event, then keeps publishing the outcome until the request is answered. */
    static Response fireAndAnswer(String endpointId, java.util.function.Function<String, RunOutcome> outcomeFor) {
        CompletableFuture<Response> response = CompletableFuture.supplyAsync(() -> given()
                .contentType("application/json").body("{\"q\":\"why\"}").when().post("/webhooks/" + endpointId));
        String runId = KafkaTestClient.awaitRecord(WebhookIngressTest.inbound(),
                r -> r.value().getSource().toString().equals("/webhooks/" + endpointId), Duration.ofSeconds(20))
                .value().getId();
        RunOutcome outcome = outcomeFor.apply(runId);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!response.isDone()) {
                KafkaTestClient.produce(outcomes(), runId, RunOutcomeCodec.toCloudEvent(outcome, "/test"));
            }
            return response.isDone();
        });
        return response.join();
    }

    static RunOutcome outcome(String runId, RunStatus status, String reason, Duration retryAfter) {
        return new RunOutcome(runId, "t", "ask", "webhook", status, reason, "agent",
                JsonNodeFactory.instance.objectNode().put("answer", 42), status == RunStatus.FAILED ? "agent crashed"
                        : null, null, 1, 1, Duration.ofMillis(5), null, retryAfter, OffsetDateTime.now());
    }

    @Test
    void answers200WithTheResultOfASucceededRun() {
        Response r = fireAndAnswer(syncEndpoint(20), id -> outcome(id, RunStatus.SUCCEEDED, null, null));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getInt("result.answer")).isEqualTo(42);
        assertThat(r.jsonPath().getString("status")).isEqualTo("succeeded");
    }

    @Test
    void mapsGovernanceRejectionsAndFailures() {
        Response limited = fireAndAnswer(syncEndpoint(20),
                id -> outcome(id, RunStatus.REJECTED, "rate_limited", Duration.ofSeconds(30)));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("30");
        assertThat(limited.contentType()).startsWith("application/problem+json");

        Response denied = fireAndAnswer(syncEndpoint(20), id -> outcome(id, RunStatus.REJECTED, "denied", null));
        assertThat(denied.statusCode()).isEqualTo(403);
        Response budget = fireAndAnswer(syncEndpoint(20),
                id -> outcome(id, RunStatus.REJECTED, "budget_exhausted", Duration.ofHours(2)));
        assertThat(budget.statusCode()).isEqualTo(503);
        assertThat(budget.header("Retry-After")).isEqualTo("7200");
        Response failed = fireAndAnswer(syncEndpoint(20), id -> outcome(id, RunStatus.FAILED, "http_500", null));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.jsonPath().getString("detail")).contains("agent crashed");
    }

    @Test
    void answers408WithTheRunIdWhenTheRunOutlastsTheTimeout() {
        Response r = given().contentType("application/json").body("{}").when().post("/webhooks/" + syncEndpoint(1));
        assertThat(r.statusCode()).isEqualTo(408);
        assertThat(r.jsonPath().getString("status")).isEqualTo("timeout");
        assertThat(r.header("Location")).contains("/api/v1/runs/" + r.jsonPath().getString("runId"));
    }
}
