package io.agenttriggers.governance;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.decision;
import static io.agenttriggers.governance.GovernanceTesting.event;
import static io.agenttriggers.governance.GovernanceTesting.outcome;
import static io.agenttriggers.governance.GovernanceTesting.send;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.agenttriggers.governance.GovernanceTesting.topic;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Policies at work on real Kafka, Redis and PostgreSQL: events in, decisions and outcomes out, outcomes back. */
@QuarkusTest
class GovernanceFlowTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aRateLimitOfNAdmitsExactlyNOfAConcurrentBurstAcrossBothConsumers() throws Exception {
        String t = tenant("burst");
        int limit = 7;
        createPolicy("{\"name\":\"burst\",\"tenantId\":\"" + t + "\",\"rateLimit\":{\"limit\":" + limit
                + ",\"period\":\"PT1H\",\"key\":\"tenant\"}}");
        // Many event names, so the events spread over every partition and so over both consumers of the channel.
        List<TriggerEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(event(t, "burst.e" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CompletableFuture.allOf(events.stream().map(e -> CompletableFuture.runAsync(() -> send(e), pool))
                    .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
        Awaitility.await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", t).queryParam("limit", 100).when().get("/api/v1/decisions")
                .then().body("items.size()", is(30)));
        List<String> verdicts = given().header("Authorization", ADMIN).queryParam("tenantId", t)
                .queryParam("limit", 100).when().get("/api/v1/decisions").then().extract().path("items.verdict");
        assertThat(verdicts.stream().filter("approved"::equals).count()).isEqualTo(limit);
        given().header("Authorization", ADMIN).queryParam("tenantId", t).queryParam("reason", "rate_limited")
                .when().get("/api/v1/decisions").then().body("items.size()", is(30 - limit))
                .body("items[0].policyName", is("burst"));

        // Each rejection carries one outcome with the reason and when to retry; approvals go to approved.
        List<ConsumerRecord<String, io.cloudevents.CloudEvent>> outcomes = KafkaTestClient.awaitRecords(
                topic("outgoing", "triggers.outcomes"), r -> t.equals(r.value().getExtension("tenantid")),
                30 - limit, Duration.ofSeconds(30));
        RunOutcome o = RunOutcomeCodec.fromCloudEvent(outcomes.get(0).value());
        assertThat(o.status()).isEqualTo(RunStatus.REJECTED);
        assertThat(o.reason()).isEqualTo("rate_limited");
        assertThat(o.retryAfter()).isPositive();
        KafkaTestClient.awaitRecords(topic("outgoing", "triggers.approved"),
                r -> t.equals(r.value().getExtension("tenantid")), limit, Duration.ofSeconds(30));
    }

    @Test
    void concurrencyAndCooldownAreReleasedAndStampedByOutcomes() {
        String t = tenant("slots");
        createPolicy("{\"name\":\"one-at-a-time\",\"tenantId\":\"" + t + "\",\"concurrency\":{\"max\":1},"
                + "\"cooldown\":\"PT1H\"}");
        TriggerEvent first = send(event(t, "job.run"));
        assertThat(decision(first).getString("verdict")).isEqualTo("approved");
        TriggerEvent second = send(event(t, "job.run"));
        JsonPath busy = decision(second);
        assertThat(busy.getString("reason")).isEqualTo("concurrency_limited");
        // Another event name is another key.
        assertThat(decision(send(event(t, "job.other"))).getString("verdict")).isEqualTo("approved");

        outcome(first, RunStatus.FAILED, null);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "approved".equals(decision(send(event(t, "job.run")))
                .getString("verdict")));
        // That run succeeds: its slot frees and the cooldown starts.
        List<String> approvedIds = given().header("Authorization", ADMIN).queryParam("tenantId", t)
                .queryParam("eventName", "job.run").queryParam("verdict", "approved").when().get("/api/v1/decisions")
                .then().extract().path("items.runId");
        TriggerEvent running = new TriggerEvent(approvedIds.get(0), first.source(), first.type(), "job.run",
                first.time(), t, approvedIds.get(0), null, first.responseMode(), null, first.partitionKey(), null, null,
                first.data());
        outcome(running, RunStatus.SUCCEEDED, null);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "cooldown".equals(decision(send(event(t, "job.run")))
                .getString("reason")));
        JsonPath cooling = given().header("Authorization", ADMIN).queryParam("tenantId", t)
                .queryParam("reason", "cooldown").when().get("/api/v1/decisions").then().extract().jsonPath();
        assertThat(Duration.parse(cooling.getString("items[0].retryAfter"))).isBetween(Duration.ofMinutes(55),
                Duration.ofHours(1));
    }

    @Test
    void theBreakerOpensOnFailuresAndRecoversThroughHalfOpenAndCanBeReset() {
        String t = tenant("breaker");
        String policy = createPolicy("{\"name\":\"breaker\",\"tenantId\":\"" + t + "\",\"circuitBreaker\":"
                + "{\"window\":\"PT1M\",\"minimumRuns\":2,\"failureRatio\":0.5,\"openFor\":\"PT2S\","
                + "\"halfOpenProbes\":1}}");
        TriggerEvent a = send(event(t, "flaky.run"));
        TriggerEvent b = send(event(t, "flaky.run"));
        decision(a);
        decision(b);
        outcome(a, RunStatus.FAILED, null);
        outcome(b, RunStatus.DEAD_LETTERED, null);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "circuit_open".equals(
                decision(send(event(t, "flaky.run"))).getString("reason")));
        String circuit = policy + ":" + t + "/flaky.run";
        given().header("Authorization", ADMIN).when().get("/api/v1/circuits")
                .then().statusCode(200).body("items.key", hasItem(circuit));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().when().get("/q/metrics")
                .then().body(containsString("governance_circuit_state{circuit=\"" + circuit + "\"}")));

        // After openFor one probe goes through; while it runs, others are refused.
        TriggerEvent probe = Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> send(event(t, "flaky.run")), e -> "approved".equals(decision(e).getString("verdict")));
        assertThat(decision(send(event(t, "flaky.run"))).getString("reason")).isEqualTo("circuit_open");
        outcome(probe, RunStatus.SUCCEEDED, null);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "approved".equals(
                decision(send(event(t, "flaky.run"))).getString("verdict")));

        String encoded = circuit;
        given().header("Authorization", ADMIN).when().post("/api/v1/circuits/" + encoded + "/reset")
                .then().statusCode(200).body("state", is("closed"));
        given().header("Authorization", "Bearer test-acme-viewer").when().post("/api/v1/circuits/" + encoded + "/reset")
                .then().statusCode(403);
        given().header("Authorization", ADMIN).when().post("/api/v1/circuits/nope%3Anothing/reset")
                .then().statusCode(404).body("code", is("circuit_not_found"));
    }

    @Test
    void budgetsAndQuotasCountTheDayAndTheDryRunConsumesNothing() {
        String t = tenant("budget");
        createPolicy("{\"name\":\"money\",\"tenantId\":\"" + t + "\",\"budget\":{\"maxCostPerDayUsd\":0.05,"
                + "\"timezone\":\"Europe/Paris\"},\"quota\":{\"maxRunsPerDay\":20,\"timezone\":\"Europe/Paris\"}}");
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", ADMIN).contentType("application/json")
                    .body("{\"tenantId\":\"" + t + "\",\"triggerType\":\"cron\",\"eventName\":\"report.daily\"}")
                    .when().post("/api/v1/evaluate").then().statusCode(200).body("verdict", is("approved"));
        }
        TriggerEvent first = send(event(t, "report.daily"));
        assertThat(decision(first).getString("verdict")).isEqualTo("approved");
        outcome(first, RunStatus.SUCCEEDED, new BigDecimal("0.06"));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "budget_exhausted".equals(
                decision(send(event(t, "report.daily"))).getString("reason")));
        JsonPath budgets = given().header("Authorization", ADMIN).queryParam("tenantId", t)
                .when().get("/api/v1/budgets").then().statusCode(200).extract().jsonPath();
        assertThat(budgets.getList("items.kind")).containsExactlyInAnyOrder("runs", "costUsd");
        assertThat(budgets.getString("items.find { it.kind == 'costUsd' }.buckets[0].used")).isEqualTo("0.06");
        assertThat(Integer.parseInt(budgets.getString("items.find { it.kind == 'runs' }.buckets[0].used")))
                .isBetween(1, 20);
        assertThat(budgets.getString("items.find { it.kind == 'runs' }.timezone")).isEqualTo("Europe/Paris");
        given().header("Authorization", "Bearer test-acme-viewer").queryParam("tenantId", t)
                .when().get("/api/v1/budgets").then().statusCode(403);
    }

    @Test
    void theLiveStreamDeliversDecisionsAndStatsCountThem() throws Exception {
        String t = tenant("live");
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/decisions/stream?tenantId=" + t))
                .header("Authorization", ADMIN).header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<java.io.InputStream>> response = client.sendAsync(request,
                HttpResponse.BodyHandlers.ofInputStream());
        // The answer starts before any decision is made: the stream opens with a comment (proxies hold a head
        // until a body arrives).
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(response::isDone);
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
        response.thenAcceptAsync(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = reader.readLine()) != null) {
                    if (l.startsWith("data:")) {
                        lines.add(l);
                    } else if (l.startsWith(":")) {
                        comments.add(l);
                    }
                }
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        });
        // Until the subscription is live, decisions pass it by: make one every half second until one arrives.
        List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            boolean arrived = lines.stream().anyMatch(l -> sent.stream().anyMatch(l::contains));
            if (!arrived) {
                sent.add(send(event(t, "live.one")).id());
            }
            return arrived;
        });
        assertThat(comments).first().asString().matches(":\\s?live");
        String data = lines.stream().filter(l -> sent.stream().anyMatch(l::contains)).findFirst().orElseThrow();
        assertThat(data).contains("\"verdict\":\"approved\"").contains("\"tenantId\":\"" + t + "\"");

        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", t).queryParam("window", "PT10M")
                .when().get("/api/v1/stats").then().statusCode(200)
                .body("approved", is(sent.size())).body("rejected", is(0))
                .body("byEventName.'live.one'.approved", is(sent.size())));
        given().header("Authorization", ADMIN).queryParam("window", "P90D").when().get("/api/v1/stats")
                .then().statusCode(400).body("code", is("invalid_window"));
        given().when().get("/q/metrics").then().body(containsString("governance_decisions_total"))
                .body(containsString("governance_decision_latency_seconds_bucket"));
    }

    @Test
    void decisionsFilterByReasonAndTimeAndRefuseBadParameters() {
        given().header("Authorization", ADMIN).queryParam("reason", "bored").when().get("/api/v1/decisions")
                .then().statusCode(400).body("code", is("invalid_reason"));
        given().header("Authorization", ADMIN).queryParam("from", "yesterday").when().get("/api/v1/decisions")
                .then().statusCode(400).body("code", is("invalid_from"));
        String t = tenant("time");
        TriggerEvent e = send(event(t, "timed.one"));
        decision(e);
        given().header("Authorization", ADMIN).queryParam("tenantId", t)
                .queryParam("from", java.time.OffsetDateTime.now().plusMinutes(5).toString())
                .when().get("/api/v1/decisions").then().statusCode(200).body("items.size()", is(0));
        given().header("Authorization", ADMIN).queryParam("tenantId", t)
                .queryParam("to", java.time.OffsetDateTime.now().plusMinutes(5).toString())
                .when().get("/api/v1/decisions").then().statusCode(200).body("items.size()", is(1))
                .body("items[0].latencyMicros", org.hamcrest.Matchers.greaterThan(0));
        assertThat(TriggerEventCodec.toCloudEvent(e).getId()).isEqualTo(e.id());
    }
}
