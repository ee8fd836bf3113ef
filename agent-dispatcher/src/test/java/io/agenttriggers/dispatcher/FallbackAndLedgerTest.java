package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.dispatcher.DispatchTest.ADMIN;
import static io.agenttriggers.dispatcher.DispatchTest.approve;
import static io.agenttriggers.dispatcher.DispatchTest.awaitOutcome;
import static io.agenttriggers.dispatcher.DispatchTest.event;
import static io.agenttriggers.dispatcher.DispatchTest.topic;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.Fallback;
import io.agenttriggers.common.event.FallbackStrategy;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.outbound.OutboundConfig;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Agent vs fallback, and the ledger as the one history of every trigger (rejections included), over HTTP. */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class FallbackAndLedgerTest {

    @Inject
    OutboundConfig outbound;

    static String tenant() {
        return "fb-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String fallbackUrl(String path) {
        return RuntimeStub.server.baseUrl() + path;
    }

    static void agentAnswers(TriggerEvent e, int status) {
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(e.id()))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag\",\"status\":\"succeeded\",\"result\":\"from agent\"}")));
    }

    @Test
    void onFailureTheFallbackRunsAfterTheAgentFailsAndRecordsWhichPathRan() {
        String path = "/fallback/" + UUID.randomUUID();
        RuntimeStub.server.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"answer\":\"from fallback\"}")));
        TriggerEvent e = event(tenant(), null, new DispatchOptions(null,
                new Fallback(fallbackUrl(path), FallbackStrategy.ON_FAILURE), null, null));
        agentAnswers(e, 422);
        approve(e);
        RunOutcome outcome = awaitOutcome(e.id());
        assertThat(outcome.status()).isEqualTo(RunStatus.FALLBACK_SUCCEEDED);
        assertThat(outcome.decisionMode()).isEqualTo("fallback");
        assertThat(outcome.reason()).isEqualTo("agent_http_422");
        assertThat(outcome.result().get("answer").asText()).isEqualTo("from fallback");
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + e.id() + "/attempts")
                .then().statusCode(200).body("items.path", org.hamcrest.Matchers.contains("agent", "fallback"))
                .body("items[0].statusCode", is(422)).body("items[1].statusCode", is(200));
        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo(path)).withHeader("Idempotency-Key", equalTo(e.id())));
    }

    @Test
    void alwaysSkipsTheAgentNeverNeverCallsTheFallbackAndAFailingFallbackFails() {
        String ok = "/fallback/" + UUID.randomUUID();
        String broken = "/fallback/" + UUID.randomUUID();
        RuntimeStub.server.stubFor(post(urlEqualTo(ok)).willReturn(aResponse().withStatus(200).withBody("plain text")));
        RuntimeStub.server.stubFor(post(urlEqualTo(broken)).willReturn(aResponse().withStatus(503)));
        String t = tenant();
        TriggerEvent always = event(t, null, new DispatchOptions(null, new Fallback(fallbackUrl(ok),
                FallbackStrategy.ALWAYS), null, null));
        TriggerEvent never = event(t, null, new DispatchOptions(null, new Fallback(fallbackUrl(ok),
                FallbackStrategy.NEVER), null, null));
        TriggerEvent failing = event(t, null, new DispatchOptions(null, new Fallback(fallbackUrl(broken),
                FallbackStrategy.ON_FAILURE), 2, null));
        agentAnswers(always, 200);
        agentAnswers(never, 400);
        agentAnswers(failing, 500);
        approve(always);
        approve(never);
        approve(failing);

        RunOutcome a = awaitOutcome(always.id());
        assertThat(a.status()).isEqualTo(RunStatus.FALLBACK_SUCCEEDED);
        assertThat(a.result().asText()).isEqualTo("plain text");
        RuntimeStub.server.verify(0, postRequestedFor(urlEqualTo("/v1/runs"))
                .withHeader("Idempotency-Key", equalTo(always.id())));
        RunOutcome n = awaitOutcome(never.id());
        assertThat(n.status()).isEqualTo(RunStatus.FAILED);
        assertThat(n.decisionMode()).isEqualTo("agent");
        RunOutcome f = awaitOutcome(failing.id());
        assertThat(f.status()).isEqualTo(RunStatus.FAILED);
        assertThat(f.decisionMode()).isEqualTo("fallback");
        assertThat(f.attempts()).isEqualTo(4); // 2 agent attempts, then 2 fallback attempts
        assertThat(f.error()).contains("agent:").contains("fallback:");
    }

    @Test
    void aFallbackAimedInwardIsRefusedForGoodAndNeverCalled() {
        // 127.0.0.2 reaches this WireMock (it listens on every address) but is not on the test allow-list, so the
        // stub's request count shows whether the policy stopped the call.
        String path = "/fallback/" + UUID.randomUUID();
        RuntimeStub.server.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("{}")));
        String t = tenant();
        TriggerEvent metadata = event(t, null, new DispatchOptions(null,
                new Fallback("http://169.254.169.254/latest/meta-data", FallbackStrategy.ALWAYS), 3, null));
        TriggerEvent loopback = event(t, null, new DispatchOptions(null, new Fallback("http://127.0.0.2:"
                + RuntimeStub.server.port() + path, FallbackStrategy.ON_FAILURE), 3, null));
        agentAnswers(loopback, 422);
        approve(metadata);
        approve(loopback);

        RunOutcome m = awaitOutcome(metadata.id());
        assertThat(m.status()).isEqualTo(RunStatus.FAILED);
        assertThat(m.decisionMode()).isEqualTo("fallback");
        assertThat(m.reason()).isEqualTo("fallback_url_refused");
        assertThat(m.attempts()).isEqualTo(1); // refused for good: not retried
        assertThat(m.error()).contains("169.254.169.254, a link-local address").contains("triggers.outbound.allow");
        RunOutcome l = awaitOutcome(loopback.id());
        assertThat(l.status()).isEqualTo(RunStatus.FAILED);
        assertThat(l.reason()).isEqualTo("fallback_url_refused");
        assertThat(l.error()).contains("agent:").contains("127.0.0.2, a loopback address");
        assertThat(l.attempts()).isEqualTo(2); // the agent's 422, then one refused fallback attempt (of 3 allowed)
        RuntimeStub.server.verify(0, postRequestedFor(urlEqualTo(path)));
    }

    @Test
    void aFallbackAnswerOverTheBoundFailsTheRunAndOneAtTheBoundSucceeds() {
        int bound = outbound.maxResponseBytes();
        String over = "/fallback/" + UUID.randomUUID();
        String at = "/fallback/" + UUID.randomUUID();
        RuntimeStub.server.stubFor(post(urlEqualTo(over)).willReturn(aResponse().withStatus(200)
                .withBody("x".repeat(bound + 1))));
        RuntimeStub.server.stubFor(post(urlEqualTo(at)).willReturn(aResponse().withStatus(200)
                .withBody("y".repeat(bound))));
        String t = tenant();
        TriggerEvent tooLarge = event(t, null, new DispatchOptions(null, new Fallback(fallbackUrl(over),
                FallbackStrategy.ALWAYS), 3, null));
        TriggerEvent fits = event(t, null, new DispatchOptions(null, new Fallback(fallbackUrl(at),
                FallbackStrategy.ALWAYS), 3, null));
        approve(tooLarge);
        approve(fits);

        RunOutcome big = awaitOutcome(tooLarge.id());
        assertThat(big.status()).isEqualTo(RunStatus.FAILED);
        assertThat(big.reason()).isEqualTo("fallback_response_too_large");
        assertThat(big.attempts()).isEqualTo(1);
        assertThat(big.error()).contains("larger than " + bound + " bytes");
        RunOutcome ok = awaitOutcome(fits.id());
        assertThat(ok.status()).isEqualTo(RunStatus.FALLBACK_SUCCEEDED);
        assertThat(ok.result().asText()).hasSize(bound);
        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo(over)));
    }

    @Test
    void theMigrationWeightSplitsRunsBetweenAgentAndFallback() {
        String path = "/fallback/" + UUID.randomUUID();
        RuntimeStub.server.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("{}")));
        String t = tenant();
        List<TriggerEvent> events = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            TriggerEvent e = event(t, null, new DispatchOptions(0.25, new Fallback(fallbackUrl(path),
                    FallbackStrategy.ON_FAILURE), null, null));
            agentAnswers(e, 200);
            events.add(e);
        }
        events.forEach(DispatchTest::approve);
        Awaitility.await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", t).queryParam("limit", 200).when().get("/api/v1/runs")
                .then().body("items.findAll { it.status == 'succeeded' || it.status == 'fallback_succeeded' }.size()",
                        is(80)));
        List<String> modes = given().header("Authorization", ADMIN).queryParam("tenantId", t).queryParam("limit", 200)
                .when().get("/api/v1/runs").then().extract().path("items.decisionMode");
        long agent = modes.stream().filter("agent"::equals).count();
        // 80 draws at p = 0.25: mean 20, standard deviation 3.9; the bounds are 5 deviations wide.
        assertThat(agent).isBetween(1L, 40L);
        assertThat(modes.stream().filter("fallback"::equals).count()).isEqualTo(80 - agent);

        given().header("Authorization", ADMIN).queryParam("tenantId", t).when().get("/api/v1/runs/stats")
                .then().statusCode(200).body("runs", is(80)).body("succeeded", is(80)).body("successRate", is(1.0f));
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        given().header("Authorization", ADMIN).queryParam("tenantId", t).queryParam("from", now.minusHours(1).toString())
                .queryParam("to", now.plusHours(1).toString()).queryParam("buckets", 12)
                .when().get("/api/v1/runs/series").then().statusCode(200)
                .body("bucketSeconds", is(600)).body("buckets.size()", is(12)).body("truncated", is(false))
                .body("buckets.sum { it.succeeded }", is(80)).body("buckets.sum { it.failed }", is(0))
                .body("buckets.findAll { it.succeeded > 0 }.size()", greaterThan(0))
                .body("buckets.findAll { it.succeeded > 0 && it.p95EndToEndMs == null }.size()", is(0))
                .body("buckets.findAll { it.succeeded == 0 && it.p95EndToEndMs != null }.size()", is(0));
        given().header("Authorization", ADMIN).queryParam("buckets", 0).when().get("/api/v1/runs/series")
                .then().statusCode(400).body("code", is("invalid_buckets"));
        given().header("Authorization", ADMIN).queryParam("from", now.toString())
                .queryParam("to", now.minusDays(1).toString()).when().get("/api/v1/runs/series")
                .then().statusCode(400).body("code", is("invalid_window"));
        given().header("Authorization", ADMIN).queryParam("from", now.minusDays(40).toString())
                .when().get("/api/v1/runs/series").then().statusCode(400).body("code", is("invalid_window"));
        given().header("Authorization", ADMIN).queryParam("tenantId", t).queryParam("triggerType", "api")
                .queryParam("limit", 1).when().get("/api/v1/runs").then().statusCode(200).body("items.size()", is(1));
        given().header("Authorization", ADMIN).queryParam("triggerType", "pigeon").when().get("/api/v1/runs")
                .then().statusCode(400).body("code", is("invalid_trigger_type"));
        given().header("Authorization", ADMIN).queryParam("tenantId", t).queryParam("source", "/api/elsewhere")
                .when().get("/api/v1/runs").then().statusCode(200).body("items.size()", is(0));
    }

    @Test
    void aDeadLetteredRunCarriesItsHistoryAndCanBeReplayedUnderTheSameId() {
        TriggerEvent e = event(tenant(), null, new DispatchOptions(null, null, 1, null));
        agentAnswers(e, 500);
        approve(e);
        assertThat(awaitOutcome(e.id()).status()).isEqualTo(RunStatus.DEAD_LETTERED);
        var letter = KafkaTestClient.awaitRecord(topic("outgoing", "triggers.dlq"),
                r -> e.id().equals(r.value().getId()), java.time.Duration.ofSeconds(20));
        assertThat(String.valueOf(letter.value().getExtension("dlqhistory"))).contains("http_500");

        agentAnswers(e, 200);
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"runIds\":[\"" + e.id() + "\",\"not-a-run\"]}")
                .when().post("/api/v1/dlq/replay")
                .then().statusCode(200).body("replayed", org.hamcrest.Matchers.contains(e.id()))
                .body("skipped[0].reason", is("not a run id"));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + e.id()).then().body("status", is("succeeded")));
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + e.id() + "/attempts")
                .then().body("items.size()", is(2));
        // A succeeded run is not replayed again; a viewer cannot replay.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"runIds\":[\"" + e.id() + "\"]}").when().post("/api/v1/dlq/replay")
                .then().statusCode(200).body("replayed.size()", is(0))
                .body("skipped[0].reason", org.hamcrest.Matchers.startsWith("not dead-lettered"));
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"runIds\":[]}")
                .when().post("/api/v1/dlq/replay").then().statusCode(422).body("code", is("invalid_replay"));
        given().when().get("/q/metrics").then().body(org.hamcrest.Matchers.containsString("dispatcher_dlq_size"));
    }

    @Inject
    io.agenttriggers.dispatcher.messaging.RunEvents runEvents;

    @Test
    void aReplayPublishedTwiceReDrivesTheRunOnceAndAStaleNumberNotAtAll() {
        TriggerEvent e = event(tenant(), null, new DispatchOptions(null, null, 1, null));
        agentAnswers(e, 500);
        approve(e);
        assertThat(awaitOutcome(e.id()).status()).isEqualTo(RunStatus.DEAD_LETTERED);
        agentAnswers(e, 200);
        // Replay 1, published twice (two operators at once, or a publish retried after an unknown outcome).
        runEvents.replay(e, 1).await().atMost(java.time.Duration.ofSeconds(20));
        runEvents.replay(e, 1).await().atMost(java.time.Duration.ofSeconds(20));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + e.id()).then().body("status", is("succeeded")));
        // Replay 0 is not a replay at all, so it is a plain redelivery of an ended run.
        runEvents.replay(e, 0).await().atMost(java.time.Duration.ofSeconds(20));
        approve(e);
        Awaitility.await().during(2, TimeUnit.SECONDS).atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                RuntimeStub.server.verify(2, postRequestedFor(urlEqualTo("/v1/runs"))
                        .withHeader("Idempotency-Key", equalTo(e.id()))));
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + e.id() + "/attempts")
                .then().body("items.size()", is(2));
    }

    @Test
    void aRequestTimeoutIsNotRetried() {
        TriggerEvent e = event(tenant(), null, null);
        agentAnswers(e, 408);
        approve(e);
        RunOutcome outcome = awaitOutcome(e.id());
        assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
        assertThat(outcome.attempts()).isEqualTo(1);
    }

    @Test
    void rejectedEventsBecomeRejectedRunsInTheLedger() {
        TriggerEvent e = event(tenant(), null, null);
        KafkaTestClient.produce(topic("incoming", "triggers.rejected"), e.partitionKey(),
                CloudEventBuilder.from(TriggerEventCodec.toCloudEvent(e)).withExtension("rejectreason", "cooldown")
                        .build());
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + e.id()).then().statusCode(200)
                .body("status", is("rejected")).body("reason", is("cooldown")));
        RuntimeStub.server.verify(0, postRequestedFor(urlEqualTo("/v1/runs"))
                .withHeader("Idempotency-Key", equalTo(e.id())));
    }
}
