package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.agenttriggers.webhook.persistence.EventLog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventLogTest {

    static final String ADMIN = "Bearer test-admin-token";

    @Inject
    EventLog eventLog;

    static JsonPath events(String endpointId, String query) {
        return given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + endpointId + "/events" + query)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void logsEveryRequestWithRedactedHeadersAndReplaysAVerifiedOne() {
        String secret = "log-secret-" + UUID.randomUUID();
        String id = (String) WebhookIngressTest.created("{\"name\":\"logged\",\"tenantId\":\"" + WebhookIngressTest.tenant()
                + "\",\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}").get("id");
        String body = "{\"ref\":\"refs/heads/main\"}";
        String runId = WebhookIngressTest.deliverGithub(id, secret, "push", "d-" + UUID.randomUUID(), body)
                .then().statusCode(202).extract().path("runId");
        given().contentType("application/json").header("X-Hub-Signature-256", "sha256=00").body(body)
                .when().post("/webhooks/" + id).then().statusCode(403);

        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> events(id, "").getList("items").size() == 2);
        JsonPath page = events(id, "?outcome=accepted");
        assertThat(page.getList("items")).hasSize(1);
        assertThat(page.getString("items[0].runId")).isEqualTo(runId);
        assertThat(page.getString("items[0].body")).isNull();
        JsonPath rejected = events(id, "?status=403");
        assertThat(rejected.getString("items[0].errorCode")).isEqualTo("bad_signature");
        assertThat(rejected.getBoolean("items[0].verified")).isFalse();
        assertThat(rejected.getBoolean("items[0].replayable")).isFalse();
        assertThat(events(id, "?from=" + OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)).getList("items")).isEmpty();

        String eventId = page.getString("items[0].id");
        given().header("Authorization", ADMIN).when().get("/api/v1/events/" + eventId)
                .then().statusCode(200)
                .body("body", is(body)).body("bodyEncoding", is("utf-8"))
                .body("headers.x-hub-signature-256", is("[redacted]"))
                .body("headers.x-github-event", is("push"))
                .body("method", is("POST")).body("statusCode", is(202)).body("replayable", is(true));

        String replayRun = given().header("Authorization", ADMIN).when().post("/api/v1/events/" + eventId + "/replay")
                .then().statusCode(202).body("replayOf", is(eventId)).extract().path("runId");
        assertThat(replayRun).isNotEqualTo(runId);
        TriggerEvent replayed = TriggerEventCodec.fromCloudEvent(KafkaTestClient.awaitRecord(
                WebhookIngressTest.inbound(), r -> replayRun.equals(r.value().getId()), Duration.ofSeconds(20)).value());
        assertThat(replayed.eventName()).isEqualTo("github.push");
        assertThat(replayed.data().headers()).containsEntry("x-replay-of", eventId);
        assertThat(replayed.data().payload().get("ref").asText()).isEqualTo("refs/heads/main");

        String rejectedId = rejected.getString("items[0].id");
        given().header("Authorization", ADMIN).when().post("/api/v1/events/" + rejectedId + "/replay")
                .then().statusCode(409).body("code", is("not_replayable"));
        given().header("Authorization", "Bearer test-acme-viewer").when().get("/api/v1/events/" + eventId)
                .then().statusCode(404);
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id + "/events?outcome=nope")
                .then().statusCode(400).body("code", is("invalid_outcome"));
    }

    /** The injected bean's example of the round trip that EventLogRoundTripTest checks as a jqwik property. */
    @Test
    void aCompleteEntryReadsBackAsWritten() {
        LoggedRequest written = entry(UUID.randomUUID().toString(),
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        written.sourceIp = "203.0.113.7";
        written.userAgent = "GitHub-Hookshot/abc";
        written.headers = Map.of("x-github-event", "push", "x-hub-signature-256", "[redacted]", "x-note", "√ ü \"q\"");
        written.contentType = "application/json";
        written.body("{\"ref\":\"refs/heads/main\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 10);
        written.verified = true;
        written.statusCode = 202;
        written.errorCode = "none";
        written.error = "line 1\nline 2";
        written.deliveryId = "d-" + UUID.randomUUID();
        written.runId = io.agenttriggers.common.event.RunIds.next();
        written.durationMs = 17;
        written.replayOf = io.agenttriggers.common.event.RunIds.next();
        Duration bound = Duration.ofSeconds(60);

        eventLog.write(written).await().atMost(bound);
        LoggedRequest read = eventLog.find(written.id).await().atMost(bound).orElseThrow();

        assertThat(read).usingRecursiveComparison().ignoringFields("receivedAt", "headers", "headersJson").isEqualTo(written);
        assertThat(read.headers).isEqualTo(written.headers);
        assertThat(read.receivedAt).isEqualTo(written.receivedAt);
        assertThat(read.bodyTruncated).isTrue();
        assertThat(read.body).hasSize(10);
    }

    static LoggedRequest entry(String endpointId, OffsetDateTime at) {
        LoggedRequest r = new LoggedRequest();
        r.id = io.agenttriggers.common.event.RunIds.next();
        r.endpointId = endpointId;
        r.tenantId = "retention";
        r.receivedAt = at;
        r.method = "POST";
        r.headers = Map.of();
        r.body(new byte[] { 1, 2, 3 }, 10);
        r.statusCode = 202;
        r.outcome = "accepted";
        return r;
    }

    @Test
    void redactsCredentialsAndSignaturesWhateverTheirCase() {
        Map<String, String> redacted = LoggedRequest.redact(Map.of("Authorization", "Bearer x", "X-Api-Key", "k",
                "Stripe-Signature", "t=1,v1=ab", "X-Custom-Sig", "s", "User-Agent", "curl"), "X-Custom-Sig");
        assertThat(redacted).containsEntry("authorization", "[redacted]").containsEntry("x-api-key", "[redacted]")
                .containsEntry("stripe-signature", "[redacted]").containsEntry("x-custom-sig", "[redacted]")
                .containsEntry("user-agent", "curl");
        assertThat(List.copyOf(redacted.values())).doesNotContain("Bearer x", "k", "s");
    }
}
