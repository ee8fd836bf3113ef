package io.agenttriggers.governance.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.agenttriggers.governance.GovernanceTesting.topic;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.agenttriggers.governance.GovernanceTesting;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Alert rules over real outcomes through Kafka, notifications through the outbox to real receivers: WireMock for
 * webhooks and Slack, GreenMail for e-mail.
 */
@QuarkusTest
@QuarkusTestResource(value = AlertReceivers.class, restrictToAnnotatedClass = true)
class AlertsTest {

    private static String channel(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/alert-channels").then().statusCode(201).extract().asString();
    }

    private static String rule(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/alert-rules").then().statusCode(201).extract().path("id");
    }

    private static String outcome(String tenant, String eventName, RunStatus status) {
        String runId = RunIds.next();
        RunOutcome outcome = new RunOutcome(runId, tenant, eventName, "webhook", status, null, "agent", null,
                status == RunStatus.SUCCEEDED ? null : "boom", null, 1, 1, Duration.ofMillis(20), null, null,
                OffsetDateTime.now(ZoneOffset.UTC));
        KafkaTestClient.produce(topic("incoming", "outcomes-alerts"), tenant + ":" + eventName,
                RunOutcomeCodec.toCloudEvent(outcome, "/agent-dispatcher"));
        return runId;
    }

    private static List<LoggedRequest> received(String path) {
        return AlertReceivers.http.findAll(postRequestedFor(urlEqualTo(path)));
    }

    private static JsonPath alerts(String tenant) {
        return given().header("Authorization", ADMIN).when().get("/api/v1/alerts?tenantId=" + tenant)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void threeFailuresInARowNotifyOnceWithTheRunIdsSignedAsStandardWebhooksAndASuccessResolves() throws Exception {
        String tenant = tenant("alert");
        String path = "/hook/" + tenant;
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        JsonPath created = JsonPath.from(channel("""
                {"tenantId":"%s","name":"ops-hook","type":"webhook","url":"%s"}""".formatted(tenant,
                AlertReceivers.url(path))));
        String secret = created.getString("secret");
        assertThat(secret).startsWith("whsec_");
        // The secret is shown once: never again on a read.
        given().header("Authorization", ADMIN).when().get("/api/v1/alert-channels/" + created.getString("id"))
                .then().statusCode(200).body("secret", org.hamcrest.Matchers.nullValue());
        rule("""
                {"tenantId":"%s","name":"three-in-a-row","kind":"consecutive-failures","notifyAt":[3],
                 "channels":["%s"]}""".formatted(tenant, created.getString("id")));

        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(outcome(tenant, "order.created", RunStatus.FAILED));
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 1);
        LoggedRequest firing = received(path).get(0);
        JsonNode body = EventJson.read(firing.getBodyAsString(), JsonNode.class);
        assertThat(body.path("type").asText()).isEqualTo("alert.firing");
        assertThat(body.path("count").asInt()).isEqualTo(3);
        assertThat(body.path("groupKey").asText()).isEqualTo("order.created");
        List<String> ids = new ArrayList<>();
        body.path("runIds").forEach(n -> ids.add(n.asText()));
        assertThat(ids).containsExactlyElementsOf(runs);
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(firing.getHeader(name)));
        }
        new Webhook(secret).verify(firing.getBodyAsString(), headers);

        outcome(tenant, "order.created", RunStatus.SUCCEEDED);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 2);
        JsonNode resolved = EventJson.read(received(path).get(1).getBodyAsString(), JsonNode.class);
        assertThat(resolved.path("type").asText()).isEqualTo("alert.resolved");
        assertThat(received(path)).hasSize(2);

        JsonPath list = alerts(tenant);
        assertThat(list.getList("items")).hasSize(1);
        assertThat(list.getString("items[0].state")).isEqualTo("resolved");
        assertThat(list.getInt("items[0].episode")).isEqualTo(1);
        String alertId = list.getString("items[0].id");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .when().get("/api/v1/alerts/" + alertId + "/notifications").then().statusCode(200)
                .body("items.status", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.is("sent")))
                .body("items.kind", org.hamcrest.Matchers.contains("resolved", "firing")));
    }

    @Test
    void aChannelOutageDelaysTheNotificationAndLosesNothingEveryAttemptRecorded() {
        String tenant = tenant("outage");
        String path = "/down/" + tenant;
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).inScenario(tenant).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).inScenario(tenant).whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).inScenario(tenant).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"flaky","type":"slack","url":"%s"}""".formatted(tenant,
                AlertReceivers.url(path)))).getString("id");
        rule("""
                {"tenantId":"%s","name":"dead-letters","kind":"dead-lettered","channels":["%s"]}"""
                .formatted(tenant, channelId));
        String run = outcome(tenant, "invoice.paid", RunStatus.DEAD_LETTERED);

        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 3);
        String alertId = alerts(tenant).getString("items[0].id");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            JsonPath n = given().header("Authorization", ADMIN).when()
                    .get("/api/v1/alerts/" + alertId + "/notifications").then().statusCode(200).extract().jsonPath();
            assertThat(n.getList("items")).hasSize(1);
            assertThat(n.getString("items[0].status")).isEqualTo("sent");
            assertThat(n.getList("items[0].attemptLog.statusCode", Integer.class)).containsExactly(503, 502, 200);
        });
        JsonNode slack = EventJson.read(received(path).get(2).getBodyAsString(), JsonNode.class);
        assertThat(slack.path("text").asText()).contains("[FIRING]").contains("dead-letters");
        assertThat(slack.toString()).contains(run);
        assertThat(received(path)).hasSize(3);
    }

    @Test
    void aFailureRatioFiresOneEmailForAStormOfFailures() throws Exception {
        String tenant = tenant("mail");
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"oncall","type":"email","to":["oncall@%s.example"]}""".formatted(tenant,
                tenant))).getString("id");
        rule("""
                {"tenantId":"%s","name":"half-failing","kind":"failure-ratio","minRuns":5,"threshold":0.5,
                 "channels":["%s"]}""".formatted(tenant, channelId));
        for (int i = 0; i < 40; i++) {
            outcome(tenant, "report.build", i % 4 == 0 ? RunStatus.SUCCEEDED : RunStatus.FAILED);
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> messagesTo("oncall@" + tenant + ".example")
                .size() >= 1);
        Thread.sleep(1000);
        List<MimeMessage> mails = messagesTo("oncall@" + tenant + ".example");
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).getSubject()).isEqualTo("[FIRING] half-failing — report.build");
        assertThat(alerts(tenant).getString("items[0].state")).isEqualTo("firing");
    }

    private static List<MimeMessage> messagesTo(String address) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : AlertReceivers.mail.getReceivedMessages()) {
            if (m.getAllRecipients() != null && m.getAllRecipients()[0].toString().equals(address)) {
                out.add(m);
            }
        }
        return out;
    }

    private static void signal(io.agenttriggers.common.signal.Signal signal) {
        KafkaTestClient.produce(topic("incoming", "signals-alerts"),
                io.agenttriggers.common.signal.SignalCodec.key(signal),
                io.agenttriggers.common.signal.SignalCodec.toCloudEvent(signal, "/test"));
    }

    private static JsonNode notice(String path, int index) {
        return EventJson.read(received(path).get(index).getBodyAsString(), JsonNode.class);
    }

    @Test
    void otherServicesSignalsFireAndResolveMisfireVerificationSpikeAndRuntimePausedRules() {
        String tenant = tenant("signal");
        String path = "/signals/" + tenant;
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"hook","type":"webhook","url":"%s"}""".formatted(tenant,
                AlertReceivers.url(path)))).getString("id");
        rule("""
                {"tenantId":"%s","name":"misfires","kind":"cron-misfire","scope":{"source":"/cron/*"},"groupBy":"source",
                 "channels":["%s"]}""".formatted(tenant, channelId));
        rule("""
                {"tenantId":"%s","name":"probing","kind":"verification-failures","threshold":5,"window":"PT2M",
                 "groupBy":"source","channels":["%s"]}""".formatted(tenant, channelId));
        String paused = rule("""
                {"tenantId":"%s","name":"runtime","kind":"runtime-paused","channels":["%s"]}"""
                .formatted(tenant, channelId));
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"bad","kind":"verification-failures","threshold":0.5,"minRuns":3,
                 "channels":["%s"]}""".formatted(tenant, channelId))
                .when().post("/api/v1/alert-rules").then().statusCode(422)
                .body("errors.field", hasItem("threshold")).body("errors.field", hasItem("minRuns"));

        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        signal(new io.agenttriggers.common.signal.Signal("cron.misfire", tenant, "/cron/s1", "nightly.report", 2,
                "missed 2 fire time(s)", now));
        // Another tenant's signal, and one outside the scope, count for nothing.
        signal(new io.agenttriggers.common.signal.Signal("cron.misfire", tenant("other"), "/cron/s1", "x", 1, "m", now));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 1);
        JsonNode misfire = notice(path, 0);
        assertThat(misfire.path("type").asText()).isEqualTo("alert.firing");
        assertThat(misfire.path("ruleKind").asText()).isEqualTo("cron-misfire");
        assertThat(misfire.path("groupKey").asText()).isEqualTo("/cron/s1");
        assertThat(misfire.path("count").asInt()).isEqualTo(2);
        assertThat(misfire.path("summary").asText()).contains("missed 2 fire time(s)");

        // Three refusals, then two more: the fifth in the window fires, one notification for the spike.
        signal(new io.agenttriggers.common.signal.Signal("webhook.verification_failed", tenant, "/webhooks/orders",
                null, 3, "last refusal: invalid_signature", now));
        signal(new io.agenttriggers.common.signal.Signal("webhook.verification_failed", tenant, "/webhooks/orders",
                null, 2, "last refusal: invalid_signature", now));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 2);
        JsonNode spike = notice(path, 1);
        assertThat(spike.path("ruleKind").asText()).isEqualTo("verification-failures");
        assertThat(spike.path("count").asInt()).isEqualTo(5);
        assertThat(spike.path("groupKey").asText()).isEqualTo("/webhooks/orders");

        // The runtime breaker concerns every tenant; one alert per dispatcher replica, resolved when it resumes.
        signal(new io.agenttriggers.common.signal.Signal("runtime.paused", null, "/agent-dispatcher/d-1", null, 1,
                "5 failing calls", now));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 3);
        assertThat(notice(path, 2).path("ruleKind").asText()).isEqualTo("runtime-paused");
        assertThat(notice(path, 2).path("type").asText()).isEqualTo("alert.firing");
        signal(new io.agenttriggers.common.signal.Signal("runtime.resumed", null, "/agent-dispatcher/d-1", null, 1,
                "a probe call succeeded", now.plusSeconds(30)));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 4);
        assertThat(notice(path, 3).path("type").asText()).isEqualTo("alert.resolved");
        assertThat(notice(path, 3).path("ruleKind").asText()).isEqualTo("runtime-paused");
        assertThat(received(path)).hasSize(4);
        // The database outlives the test: an installation-wide rule left behind would be told of later runs' pauses.
        given().header("Authorization", ADMIN).when().delete("/api/v1/alert-rules/" + paused).then().statusCode(204);
    }

    private static String ledgerRun(String tenant, String runId, String status, OffsetDateTime finishedAt) {
        return """
                {"runId":"%s","tenantId":"%s","eventName":"order.created","triggerType":"webhook","source":"/orders",
                 "status":"%s","attempts":1,"duration":"PT0.04S","finishedAt":"%s","dedupKey":"k-%s"}"""
                .formatted(runId, tenant, status, finishedAt, runId);
    }

    @Test
    void aDryRunReplaysTheLedgersRunsPageByPageAndSaysWhatItWouldHaveSent() {
        String tenant = tenant("dry");
        OffsetDateTime t = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
        // The ledger answers newest first, in two pages: success, 3 failures | 1 failure, success (oldest).
        String newest = "[" + ledgerRun(tenant, "r6", "succeeded", t.plusSeconds(6)) + ","
                + ledgerRun(tenant, "r5", "failed", t.plusSeconds(5)) + ","
                + ledgerRun(tenant, "r4", "dead_lettered", t.plusSeconds(4)) + ","
                + ledgerRun(tenant, "r3", "failed", t.plusSeconds(3)) + "]";
        String oldest = "[" + ledgerRun(tenant, "r2", "failed", t.plusSeconds(2)) + ","
                + ledgerRun(tenant, "r1", "succeeded", t.plusSeconds(1)) + "]";
        AlertReceivers.http.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/runs"))
                .withQueryParam("tenantId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(tenant))
                .withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo(ADMIN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"items\":" + newest + ",\"nextCursor\":\"c1\"}")));
        AlertReceivers.http.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/runs"))
                .withQueryParam("tenantId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(tenant))
                .withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.equalTo("c1"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"items\":" + oldest + "}")));

        JsonPath dry = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"three","kind":"consecutive-failures","notifyAt":[3],
                 "scope":{"source":"/ord*"}}""".formatted(tenant))
                .when().post("/api/v1/alert-rules/dry-run?hours=2").then().statusCode(200).extract().jsonPath();
        assertThat(dry.getInt("runsRead")).isEqualTo(6);
        assertThat(dry.getInt("runsCounted")).isEqualTo(6);
        assertThat(dry.getBoolean("runsTruncated")).isFalse();
        assertThat(dry.getList("sent.type", String.class)).containsExactly("alert.firing", "alert.resolved");
        assertThat(dry.getList("sent[0].runIds", String.class)).containsExactly("r2", "r3", "r4");
        assertThat(dry.getInt("sent[0].count")).isEqualTo(3);
        assertThat(dry.getString("sent[0].groupKey")).isEqualTo("order.created");

        // Another source's rule counts nothing; a saved rule dry-runs by id.
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"m","type":"email","to":["dry@example.com"]}""".formatted(tenant)))
                .getString("id");
        String ruleId = rule("""
                {"tenantId":"%s","name":"cron-only","kind":"consecutive-failures","scope":{"source":"/cron/*"},
                 "channels":["%s"]}""".formatted(tenant, channelId));
        given().header("Authorization", ADMIN).when().post("/api/v1/alert-rules/" + ruleId + "/dry-run")
                .then().statusCode(200).body("runsRead", org.hamcrest.Matchers.is(6))
                .body("runsCounted", org.hamcrest.Matchers.is(0)).body("notifications", org.hamcrest.Matchers.is(0));

        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"c","kind":"circuit-open"}""".formatted(tenant))
                .when().post("/api/v1/alert-rules/dry-run").then().statusCode(422)
                .body("code", org.hamcrest.Matchers.is("dry_run_unsupported"));
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"c","kind":"dead-lettered"}""".formatted(tenant))
                .when().post("/api/v1/alert-rules/dry-run?hours=48").then().statusCode(400)
                .body("code", org.hamcrest.Matchers.is("invalid_hours"));
        given().header("Authorization", "Bearer test-acme-viewer").contentType("application/json").body("""
                {"tenantId":"%s","name":"c","kind":"dead-lettered"}""".formatted(tenant))
                .when().post("/api/v1/alert-rules/dry-run").then().statusCode(403);
        // A ledger that fails is a 503 problem, not a 500.
        String broken = tenant("dry-broken");
        AlertReceivers.http.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/runs"))
                .withQueryParam("tenantId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(broken))
                .willReturn(aResponse().withStatus(500)));
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"c","kind":"dead-lettered"}""".formatted(broken))
                .when().post("/api/v1/alert-rules/dry-run").then().statusCode(503)
                .body("code", org.hamcrest.Matchers.is("ledger_unavailable"));
    }

    @Test
    void rulesAndChannelsAreValidatedAndAlertsCanBeSilenced() {
        String tenant = tenant("valid");
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"x","kind":"sometimes","notifyAt":[0],"channels":[]}""".formatted(tenant))
                .when().post("/api/v1/alert-rules").then().statusCode(422).body("code",
                        org.hamcrest.Matchers.is("invalid_alert_rule"))
                .body("errors.field", hasItem("kind")).body("errors.field", hasItem("channels"));
        String other = JsonPath.from(channel("""
                {"tenantId":"%s","name":"theirs","type":"email","to":["a@b.example"]}""".formatted(tenant("o"))))
                .getString("id");
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"x","kind":"dead-lettered","channels":["%s"]}""".formatted(tenant, other))
                .when().post("/api/v1/alert-rules").then().statusCode(422).body("errors.field",
                        hasItem("channels[0]"));
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"internal","type":"webhook","url":"http://10.1.2.3/hook"}""".formatted(tenant))
                .when().post("/api/v1/alert-channels").then().statusCode(422).body("errors.field", hasItem("url"));
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"bad-mail","type":"email","to":["x@y.example\\r\\nBcc: z@w.example"]}"""
                .formatted(tenant)).when().post("/api/v1/alert-channels").then().statusCode(422)
                .body("errors.field", hasItem("to[0]"));

        String path = "/silenced/" + tenant;
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"hook","type":"webhook","url":"%s"}""".formatted(tenant,
                AlertReceivers.url(path)))).getString("id");
        rule("""
                {"tenantId":"%s","name":"each","kind":"consecutive-failures","notifyAt":[1,2,3],"channels":["%s"]}"""
                .formatted(tenant, channelId));
        outcome(tenant, "a.b", RunStatus.FAILED);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() == 1);
        String alertId = alerts(tenant).getString("items[0].id");
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"duration\":\"PT1H\"}")
                .when().post("/api/v1/alerts/" + alertId + "/silence").then().statusCode(200)
                .body("silencedUntil", org.hamcrest.Matchers.notNullValue());
        outcome(tenant, "a.b", RunStatus.FAILED);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> alerts(tenant).getInt("items[0].count") == 2);
        given().header("Authorization", ADMIN).when().delete("/api/v1/alerts/" + alertId + "/silence").then()
                .statusCode(200);
        outcome(tenant, "a.b", RunStatus.FAILED);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() == 2);
        assertThat(EventJson.read(received(path).get(1).getBodyAsString(), JsonNode.class).path("count").asInt())
                .isEqualTo(3);
        given().header("Authorization", ADMIN).when().delete("/api/v1/alert-channels/" + channelId).then()
                .statusCode(409).body("code", org.hamcrest.Matchers.is("channel_in_use"));
        given().header("Authorization", ADMIN).when().get("/api/v1/alerts/" + UUID.randomUUID()).then()
                .statusCode(404);
    }

    @Test
    void aCircuitThatOpensFiresOneAlertPerBreakerAndItsClosingResolvesIt() {
        String tenant = tenant("circuit");
        String path = "/circuit/" + tenant;
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"hook","type":"webhook","url":"%s"}""".formatted(tenant,
                AlertReceivers.url(path)))).getString("id");
        rule("""
                {"tenantId":"%s","name":"breakers","kind":"circuit-open","channels":["%s"]}"""
                .formatted(tenant, channelId));
        String policy = GovernanceTesting.createPolicy("{\"name\":\"breaker\","
                + "\"tenantId\":\"" + tenant + "\",\"circuitBreaker\":{\"window\":\"PT1M\",\"minimumRuns\":2,"
                + "\"failureRatio\":0.5,\"openFor\":\"PT1S\",\"halfOpenProbes\":1}}");
        var a = GovernanceTesting.send(
                GovernanceTesting.event(tenant, "flaky.run"));
        var b = GovernanceTesting.send(
                GovernanceTesting.event(tenant, "flaky.run"));
        GovernanceTesting.decision(a);
        GovernanceTesting.decision(b);
        GovernanceTesting.outcome(a, RunStatus.FAILED, null);
        GovernanceTesting.outcome(b, RunStatus.FAILED, null);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 1);
        JsonNode firing = EventJson.read(received(path).get(0).getBodyAsString(), JsonNode.class);
        assertThat(firing.path("type").asText()).isEqualTo("alert.firing");
        assertThat(firing.path("groupKey").asText()).isEqualTo(policy + ":" + tenant + "/flaky.run");

        // After openFor a probe goes through; its success closes the breaker and resolves the alert.
        var probe = Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> GovernanceTesting.send(
                        GovernanceTesting.event(tenant, "flaky.run")),
                        e -> "approved".equals(GovernanceTesting.decision(e)
                                .getString("verdict")));
        GovernanceTesting.outcome(probe, RunStatus.SUCCEEDED, null);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 2);
        assertThat(EventJson.read(received(path).get(1).getBodyAsString(), JsonNode.class).path("type").asText())
                .isEqualTo("alert.resolved");
        assertThat(received(path)).hasSize(2);
        GovernanceTesting.deletePolicy(policy);
    }

    @Test
    void aQuotaReachingEightyAndAHundredPercentNotifiesOnceEachAndResolvesWhenItsBucketIsGone() {
        String tenant = tenant("share");
        String path = "/share/" + tenant;
        AlertReceivers.http.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String channelId = JsonPath.from(channel("""
                {"tenantId":"%s","name":"hook","type":"webhook","url":"%s"}""".formatted(tenant,
                AlertReceivers.url(path)))).getString("id");
        rule("""
                {"tenantId":"%s","name":"quota-use","kind":"budget-share","channels":["%s"]}"""
                .formatted(tenant, channelId));
        String policy = GovernanceTesting.createPolicy("{\"name\":\"daily\",\"tenantId\":\"" + tenant
                + "\",\"quota\":{\"maxRunsPerDay\":5}}");
        for (int i = 0; i < 4; i++) {
            assertThat(GovernanceTesting.decision(GovernanceTesting.send(GovernanceTesting.event(tenant, "job.run")))
                    .getString("verdict")).isEqualTo("approved");
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 1);
        JsonNode firing = EventJson.read(received(path).get(0).getBodyAsString(), JsonNode.class);
        assertThat(firing.path("type").asText()).isEqualTo("alert.firing");
        assertThat(firing.path("ruleKind").asText()).isEqualTo("budget-share");
        assertThat(firing.path("groupKey").asText()).isEqualTo("daily:runs:" + tenant);
        assertThat(firing.path("summary").asText()).startsWith("80 % reached").contains("4 of 5 runs used");

        GovernanceTesting.decision(GovernanceTesting.send(GovernanceTesting.event(tenant, "job.run")));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 2);
        JsonNode full = EventJson.read(received(path).get(1).getBodyAsString(), JsonNode.class);
        assertThat(full.path("type").asText()).isEqualTo("alert.repeat");
        assertThat(full.path("summary").asText()).startsWith("100 % reached");
        // Every tick reads the same use again: nothing more is sent.
        Awaitility.await().pollDelay(3, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(() -> true);
        assertThat(received(path)).hasSize(2);

        // The policy goes: its bucket is no longer read, so the alert resolves.
        GovernanceTesting.deletePolicy(policy);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received(path).size() >= 3);
        assertThat(EventJson.read(received(path).get(2).getBodyAsString(), JsonNode.class).path("type").asText())
                .isEqualTo("alert.resolved");
    }

    @Test
    void aBudgetShareRuleRefusesScopesAndSharesOutOfRange() {
        given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"acme","name":"bad-share","kind":"budget-share","shares":[0,1.5],
                 "scope":{"eventName":"x"},"channels":["00000000-0000-0000-0000-000000000001"]}""")
                .when().post("/api/v1/alert-rules").then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.hasItems("shares", "scope"));
    }
}
