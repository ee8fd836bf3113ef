package io.agenttriggers.cron.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(Backends.class)
class ScheduleResourceTest {

    static final String ADMIN = "Bearer test-admin-token";

    static String inbound() {
        return ConfigProvider.getConfig().getValue("mp.messaging.outgoing.\"triggers.inbound\".topic", String.class);
    }

    static String outcomes() {
        return ConfigProvider.getConfig().getValue("mp.messaging.incoming.\"triggers.outcomes\".topic", String.class);
    }

    static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String create(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .post("/api/v1/schedules").then().statusCode(201).extract().path("id");
    }

    /** The events of a schedule published so far, by nominal fire time. */
    static List<TriggerEvent> events(String scheduleId) {
        return KafkaTestClient.readAll(inbound(), r -> ("/cron/" + scheduleId).equals(r.value().getSource().toString()))
                .stream().map(r -> TriggerEventCodec.fromCloudEvent(r.value()))
                .sorted(Comparator.comparing(TriggerEvent::time)).toList();
    }

    @Test
    void aPerSecondScheduleFiresEverySecondNeverEarlyWithItsDedupKey() {
        String id = create("{\"tenantId\":\"" + tenant() + "\",\"eventName\":\"tick\",\"expression\":\"* * * * * *\","
                + "\"payload\":{\"k\":1},\"focus\":\"ops\"}");
        Awaitility.await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> events(id).size() >= 4);
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
        List<TriggerEvent> events = events(id);
        for (int i = 0; i < events.size(); i++) {
            TriggerEvent e = events.get(i);
            Instant nominal = e.time().toInstant();
            assertThat(nominal.getNano()).isZero();
            assertThat(e.type()).isEqualTo(TriggerType.CRON);
            assertThat(e.dedupKey()).isEqualTo("cron:" + id + ":" + nominal);
            assertThat(e.data().payload().get("k").asInt()).isEqualTo(1);
            assertThat(e.data().headers()).containsEntry("x-fire-kind", "schedule");
            if (i > 0) {
                assertThat(Duration.between(events.get(i - 1).time(), e.time())).isEqualTo(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void pauseStopsFiringAndResumeStartsAgain() {
        String id = create("{\"tenantId\":\"" + tenant() + "\",\"eventName\":\"tick\",\"expression\":\"* * * * * *\"}");
        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> !events(id).isEmpty());
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"note\":\"maintenance\"}")
                .post("/api/v1/schedules/" + id + "/pause")
                .then().statusCode(200).body("state", is("paused")).body("pauseNote", is("maintenance"));
        int atPause = events(id).size();
        // Nothing fires while paused: wait past three would-be fire times, then count again.
        Instant until = Instant.now().plusSeconds(3);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> Instant.now().isAfter(until));
        assertThat(events(id).size()).isLessThanOrEqualTo(atPause + 1);
        int paused = events(id).size();
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/resume")
                .then().statusCode(200).body("state", is("active")).body("nextFireTimes", hasSize(5));
        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> events(id).size() >= paused + 2);
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
    }

    @Test
    void everyRegistrationIsAVersionAndARollbackRestoresOneWithItsNextFireTime() {
        String tenant = tenant();
        String v1 = "{\"tenantId\":\"" + tenant + "\",\"eventName\":\"nightly\",\"expression\":\"0 2 * * *\","
                + "\"timezone\":\"Europe/Paris\"}";
        String id = create(v1);
        given().header("Authorization", ADMIN).contentType("application/json").header("If-Match", "\"1\"")
                .body(v1.replace("0 2 * * *", "30 4 * * *").replace("nightly", "early"))
                .put("/api/v1/schedules/" + id)
                .then().statusCode(200).body("version", is(2)).body("expression", is("30 4 * * *"));
        // A pause is firing state: it is not a version, and a rollback keeps it.
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);

        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/versions/5/rollback")
                .then().statusCode(404).body("code", is("version_not_found"));
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/versions/1/rollback")
                .then().statusCode(200).header("ETag", containsString("3"))
                .body("version", is(3)).body("expression", is("0 2 * * *")).body("eventName", is("nightly"))
                .body("state", is("paused"));
        // Resumed, it fires at version 1's time, in the schedule's zone.
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/resume")
                .then().statusCode(200).body("version", is(3)).body("state", is("active"))
                .body("nextFireTimes[0]", containsString("T02:00+0"));
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);

        given().header("Authorization", ADMIN).get("/api/v1/schedules/" + id + "/versions?limit=2")
                .then().statusCode(200)
                .body("items.version", is(List.of(3, 2)))
                .body("items[0].change", is("rolled_back_to_1"))
                .body("items[1].config.expression", is("30 4 * * *"))
                .body("nextCursor", notNullValue());
        String cursor = given().header("Authorization", ADMIN).get("/api/v1/schedules/" + id + "/versions?limit=2")
                .then().extract().path("nextCursor");
        given().header("Authorization", ADMIN).get("/api/v1/schedules/" + id + "/versions?limit=2&cursor=" + cursor)
                .then().statusCode(200).body("items.version", is(List.of(1))).body("items[0].change", is("created"));
    }

    @Test
    void triggerNowAndBackfillEmitMarkedEvents() {
        String id = create("{\"tenantId\":\"" + tenant() + "\",\"eventName\":\"report\",\"expression\":\"0 * * * *\","
                + "\"payload\":{\"region\":\"emea\"}}");
        String runId = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"context\":{\"reason\":\"demo\"}}")
                .post("/api/v1/schedules/" + id + "/trigger")
                .then().statusCode(202).body("status", is("accepted")).extract().path("runId");
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"from\":\"" + end.minus(2, ChronoUnit.HOURS) + "\",\"to\":\"" + end + "\"}")
                .post("/api/v1/schedules/" + id + "/backfill")
                .then().statusCode(202).body("count", is(3))
                .body("last", is(end.toString()));
        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> events(id).size() >= 4);
        List<TriggerEvent> events = events(id);
        TriggerEvent manual = events.stream().filter(e -> e.id().equals(runId)).findFirst().orElseThrow();
        assertThat(manual.data().headers()).containsEntry("x-fire-kind", "manual");
        assertThat(manual.data().payload().get("reason").asText()).isEqualTo("demo");
        assertThat(manual.data().payload().get("region").asText()).isEqualTo("emea");
        assertThat(manual.dedupKey()).startsWith("cron:" + id + ":manual:");
        List<String> backfilled = events.stream().filter(e -> "backfill".equals(e.data().headers().get("x-fire-kind")))
                .map(TriggerEvent::dedupKey).toList();
        assertThat(backfilled).containsExactlyInAnyOrder("cron:" + id + ":" + end.minus(2, ChronoUnit.HOURS),
                "cron:" + id + ":" + end.minus(1, ChronoUnit.HOURS), "cron:" + id + ":" + end);
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"from\":\"" + end + "\",\"to\":\"" + end.plus(5, ChronoUnit.DAYS) + "\"}")
                .post("/api/v1/schedules/" + id + "/backfill").then().statusCode(422);
    }

    @Test
    void overlapSkipWaitsForThePreviousRunToEnd() {
        String id = create("{\"tenantId\":\"" + tenant() + "\",\"eventName\":\"slow\",\"expression\":\"* * * * * *\","
                + "\"overlapPolicy\":\"skip\"}");
        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> !events(id).isEmpty());
        // No outcome yet: the first run is in flight, so the following fire times are skipped.
        Instant until = Instant.now().plusSeconds(3);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> Instant.now().isAfter(until));
        List<TriggerEvent> first = events(id);
        assertThat(first).hasSize(1);
        RunOutcome done = new RunOutcome(first.get(0).id(), first.get(0).tenantId(), "slow", "cron",
                RunStatus.SUCCEEDED, null, "agent", null, null, null, 1, 1, Duration.ofMillis(5), null, null,
                OffsetDateTime.now());
        KafkaTestClient.produce(outcomes(), first.get(0).id(), RunOutcomeCodec.toCloudEvent(done, "/test"));
        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> events(id).size() >= 2);
        given().header("Authorization", ADMIN).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
    }

    @Test
    void validatesExpressionsAndNamesTheField() {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"expression\":\"30 9 * * 1-5\",\"timezone\":\"Europe/Paris\",\"count\":3}")
                .post("/api/v1/cron/validate")
                .then().statusCode(200)
                .body("valid", is(true))
                .body("description", notNullValue())
                .body("nextFireTimes", hasSize(3));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"expression\":\"0 25 * * *\"}")
                .post("/api/v1/cron/validate")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", is("hour"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"acme\",\"eventName\":\"x\",\"expression\":\"* * * 13 *\",\"timezone\":\"Nowhere/X\","
                        + "\"jitterSeconds\":-1}")
                .post("/api/v1/schedules")
                .then().statusCode(422)
                .body("errors.field", hasItem("timezone"))
                .body("errors.field", hasItem("jitterSeconds"));
        given().contentType("application/json").body("{}").post("/api/v1/cron/validate").then().statusCode(401);
    }

    @Test
    void previewsTheFiresAroundADstChangeFromAGivenInstant() {
        // Paris springs forward at 02:00 on 2027-03-28: 02:30 does not exist that night and fires once at 03:00.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"expression\":\"30 2 * * *\",\"timezone\":\"Europe/Paris\",\"count\":3,"
                        + "\"from\":\"2027-03-26T12:00:00Z\"}")
                .post("/api/v1/cron/validate")
                .then().statusCode(200)
                .body("nextFireTimes", org.hamcrest.Matchers.contains("2027-03-27T02:30+01:00", "2027-03-28T03:00+02:00",
                        "2027-03-29T02:30+02:00"));
        // cronie's day rule: a day field starting with '*' makes both match (odd days that are Mondays).
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"expression\":\"0 9 */2 * MON\",\"count\":2,\"from\":\"2027-03-01T00:00:00Z\"}")
                .post("/api/v1/cron/validate")
                .then().statusCode(200)
                .body("nextFireTimes", org.hamcrest.Matchers.contains("2027-03-01T09:00Z", "2027-03-15T09:00Z"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"expression\":\"@daily\",\"from\":\"1066-10-14T09:00:00Z\"}")
                .post("/api/v1/cron/validate")
                .then().statusCode(422).body("errors[0].field", is("from"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"expression\":\"@daily\",\"from\":\"yesterday\"}")
                .post("/api/v1/cron/validate")
                .then().statusCode(400);
    }

    @Test
    void aFallbackAimedInwardIsAFieldErrorOfTheSame422() {
        String schedule = "{\"tenantId\":\"" + tenant() + "\",\"eventName\":\"x\",\"expression\":\"@daily\","
                + "\"jitterSeconds\":-1,\"options\":{\"fallback\":{\"url\":\"%s\",\"strategy\":\"on_failure\"}}}";
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(schedule.formatted("http://169.254.169.254/latest/meta-data"))
                .post("/api/v1/schedules")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", is("invalid_schedule"))
                .body("errors.field", hasItem("jitterSeconds"))
                .body("errors.find { it.field == 'options.fallback.url' }.message", allOf(
                        startsWith("points at 169.254.169.254, a link-local address (the cloud metadata service)"),
                        containsString("refused unless triggers.outbound.allow lists them")));
        for (String url : new String[] { "http://10.0.0.7/run", "http://[fd00::1]/run", "http://app.localhost/run",
            "http://user@hooks.example.com/run", "file:///etc/passwd" }) {
            given().header("Authorization", ADMIN).contentType("application/json").body(schedule.formatted(url))
                    .post("/api/v1/schedules")
                    .then().statusCode(422)
                    .body("errors.field", hasItem("options.fallback.url"));
        }
        // Only the fallback wrong: a public URL in the same schedule leaves jitterSeconds as the one error.
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(schedule.formatted("https://hooks.example.com/fallback"))
                .post("/api/v1/schedules")
                .then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.contains("jitterSeconds"));
    }

    @Test
    void statusHistoryAndTheGovernanceBlock() {
        Backends.server.stubFor(post(urlEqualTo("/api/v1/policies")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"pol-1\"}")));
        Backends.server.stubFor(delete(urlEqualTo("/api/v1/policies/pol-1")).willReturn(aResponse().withStatus(204)));
        String tenant = tenant();
        String id = create("{\"tenantId\":\"" + tenant + "\",\"eventName\":\"daily\",\"expression\":\"@daily\","
                + "\"timezone\":\"Asia/Tokyo\",\"governance\":{\"maxRunsPerDay\":2,\"cooldown\":\"PT1H\"}}");
        Backends.server.verify(postRequestedFor(urlEqualTo("/api/v1/policies"))
                .withRequestBody(matchingJsonPath("$.match.sources[0]", equalTo("/cron/" + id)))
                .withRequestBody(matchingJsonPath("$.quota.maxRunsPerDay", equalTo("2")))
                .withRequestBody(matchingJsonPath("$.cooldown", equalTo("PT1H"))));

        Backends.server.stubFor(get(urlPathEqualTo("/api/v1/runs/stats")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"runs\":4,\"succeeded\":3,\"failed\":1,\"successRate\":0.75,\"meanDurationMs\":120.5}")));
        Backends.server.stubFor(get(urlPathEqualTo("/api/v1/runs")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"items\":[{\"runId\":\"r1\",\"status\":\"succeeded\"}],\"nextCursor\":null}")));
        given().header("Authorization", ADMIN).get("/api/v1/schedules/" + id)
                .then().statusCode(200)
                .body("state", is("active"))
                .body("nextFireTimes", hasSize(5))
                .body("nextFireTimes[0]", org.hamcrest.Matchers.endsWith("T00:00+09:00"))
                .body("recentRuns.successRate", is(0.75f))
                .body("recentRuns.meanDurationMs", is(120.5f));
        given().header("Authorization", ADMIN).get("/api/v1/schedules/" + id + "/history?limit=10")
                .then().statusCode(200).body("items[0].runId", is("r1"));
        given().header("Authorization", "Bearer test-acme-viewer").get("/api/v1/schedules/" + id)
                .then().statusCode(404);

        given().header("Authorization", ADMIN).delete("/api/v1/schedules/" + id).then().statusCode(204);
        Backends.server.verify(deleteRequestedFor(urlEqualTo("/api/v1/policies/pol-1")));
        given().header("Authorization", ADMIN).get("/api/v1/schedules/" + id).then().statusCode(404);
    }
}
