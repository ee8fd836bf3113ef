package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.testing.CountingHttpServer;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.agenttriggers.webhook.domain.SignatureVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WebhookIngressTest {

    static final String ADMIN = "Bearer test-admin-token";

    static String inbound() {
        return ConfigProvider.getConfig().getValue("mp.messaging.outgoing.\"triggers.inbound\".topic", String.class);
    }

    static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> created(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/api/v1/endpoints")
                .then().statusCode(201)
                .extract().jsonPath().getMap("$");
    }

    static String githubSignature(String secret, String body) {
        return "sha256=" + HexFormat.of().formatHex(SignatureVerifier.mac("HmacSHA256",
                secret.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
    }

    static Response deliverGithub(String id, String secret, String event, String delivery, String body) {
        return given().contentType("application/json")
                .header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", githubSignature(secret, body))
                .body(body).when().post("/webhooks/" + id);
    }

    /** The value of a counter in {@code /q/metrics} whose tags include all of {@code tags}; 0 when absent. */
    static double metric(String name, Map<String, String> tags) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith(name + "{"))
                .filter(line -> tags.entrySet().stream()
                        .allMatch(t -> line.contains(t.getKey() + "=\"" + t.getValue() + "\"")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    static double requestCount(String endpointId, int status) {
        return metric("webhook_requests_total", Map.of("endpoint", endpointId, "status", Integer.toString(status)));
    }

    @Test
    void countsRequestsFilteredAndDuplicateDeliveriesByEndpoint() {
        String secret = "gh-secret-" + UUID.randomUUID();
        String id = (String) created("{\"name\":\"counted\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"github\","
                + "\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\",\"filter\":\"payload.keep == true\"}")
                .get("id");
        String delivery = UUID.randomUUID().toString();
        deliverGithub(id, secret, "push", delivery, "{\"keep\":true}").then().statusCode(202);
        deliverGithub(id, secret, "push", delivery, "{\"keep\":true}").then().statusCode(202)
                .body("status", is("duplicate"));
        deliverGithub(id, secret, "push", UUID.randomUUID().toString(), "{\"keep\":false}").then().statusCode(200)
                .body("status", is("filtered"));
        given().contentType("application/json").body("{}").when().post("/webhooks/" + id).then().statusCode(401);

        assertThat(requestCount(id, 202)).isEqualTo(2.0);
        assertThat(requestCount(id, 200)).isEqualTo(1.0);
        assertThat(requestCount(id, 401)).isEqualTo(1.0);
        assertThat(metric("webhook_dedup_hits_total", Map.of("endpoint", id))).isEqualTo(1.0);
        assertThat(metric("webhook_filtered_total", Map.of("endpoint", id))).isEqualTo(1.0);
        // An id nobody configured is counted under "unknown", never under a tag of its own.
        String madeUp = UUID.randomUUID().toString();
        given().contentType("application/json").body("{}").when().post("/webhooks/" + madeUp).then().statusCode(404);
        assertThat(metric("webhook_requests_total", Map.of("endpoint", "unknown", "status", "404"))).isPositive();
        assertThat(requestCount(madeUp, 404)).isZero();
    }

    @Test
    void answersOtherMethodsWithAProblemAndKeepsUnknownIdsOutOfMetricTags() {
        String id = (String) created("{\"name\":\"methods\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"m\","
                + "\"auth\":{\"type\":\"none\"}}").get("id");
        given().when().get("/webhooks/" + id)
                .then().statusCode(405).contentType("application/problem+json")
                .header("Allow", "POST, PUT, PATCH")
                .body("code", is("method_not_allowed")).body("instance", is("/webhooks/" + id));
        given().when().options("/webhooks/" + id).then().statusCode(204).header("Allow", "POST, PUT, PATCH");
        given().contentType("application/json").body("{}").when().put("/webhooks/" + id).then().statusCode(202);
        given().contentType("application/json").body("{}").when().patch("/webhooks/" + id).then().statusCode(202);

        String madeUp = UUID.randomUUID().toString();
        given().contentType("application/json").body("{}").when().post("/webhooks/" + madeUp)
                .then().statusCode(404).contentType("application/problem+json")
                .body("instance", is("/webhooks/" + madeUp));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain(madeUp);
    }

    /**
     * An endpoint that reads nothing from the payload (no filter, transform or delivery id in the body) publishes a
     * JSON body as sent: numbers keep their notation and size instead of going through doubles.
     */
    @Test
    void publishesAJsonBodyNothingReadsAsSent() {
        String id = (String) created("{\"name\":\"verbatim\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"v\","
                + "\"auth\":{\"type\":\"none\"}}").get("id");
        String body = "{ \"amount\": 1.50e2, \"big\": 123456789012345678901234567890.5,\n \"text\": \"caf\\u00e9 ☕\" }";

        String runId = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/webhooks/" + id).then().statusCode(202).extract().path("runId");

        io.cloudevents.CloudEvent published = KafkaTestClient.awaitRecord(inbound(),
                r -> runId.equals(r.value().getId()), Duration.ofSeconds(20)).value();
        assertThat(new String(published.getData().toBytes(), StandardCharsets.UTF_8))
                .startsWith("{\"payload\":" + body + ",");
        TriggerEvent event = TriggerEventCodec.fromCloudEvent(published);
        assertThat(event.data().payload().get("text").asText()).isEqualTo("café ☕");
        assertThat(event.data().payload().get("amount").asInt()).isEqualTo(150);
    }

    @Test
    void createsAnEndpointShowsTheSecretOnceAndMasksItAfterwards() {
        String tenant = tenant();
        Map<String, Object> endpoint = created("{\"name\":\"gh\",\"tenantId\":\"" + tenant
                + "\",\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},\"secret\":\"It's a Secret to Everybody\"}");
        String id = (String) endpoint.get("id");
        assertThat(endpoint.get("url")).isEqualTo("/webhooks/" + id);
        assertThat(endpoint.get("secret")).isEqualTo("It's a Secret to Everybody");
        assertThat(endpoint.get("version")).isEqualTo(1);

        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id)
                .then().statusCode(200)
                .body("secret", nullValue())
                .body("secretHint", is("****body"))
                .body("auth.type", is("github"))
                .body("enabled", is(true))
                .body("responseMode", is("async"));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).when().get("/api/v1/endpoints")
                .then().statusCode(200).body("items.id", hasItem(id)).body("items[0].secret", nullValue());

        Map<String, Object> generated = created("{\"name\":\"tok\",\"tenantId\":\"" + tenant
                + "\",\"eventName\":\"ci.done\",\"auth\":{\"type\":\"bearer\"}}");
        assertThat((String) generated.get("secret")).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void refusesInvalidEndpointsWithTheFieldsThatAreWrong() {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"bad name!\",\"tenantId\":\"acme\",\"auth\":{\"type\":\"hmac\",\"algorithm\":\"md5\"}}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", is("invalid_endpoint"))
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("eventName"))
                .body("errors.field", hasItem("auth.header"))
                .body("errors.field", hasItem("auth.algorithm"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"x\",\"tenantId\":\"acme\",\"eventName\":\"e\",\"auth\":{\"type\":\"nope\"}}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"x\",\"tenantId\":\"acme\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"},\"transfrom\":{}}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.containsString("transfrom"));
        String tenant = tenant();
        String body = "{\"name\":\"dup\",\"tenantId\":\"" + tenant + "\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"}}";
        created(body);
        given().header("Authorization", ADMIN).contentType("application/json").body(body)
                .when().post("/api/v1/endpoints").then().statusCode(409).body("code", is("name_taken"));
    }

    @Test
    void refusesATransformSchemaThatReferencesAnotherDocumentWithoutFetchingIt() {
        try (CountingHttpServer server = CountingHttpServer.start()) {
            String url = server.url("/payload.json");
            given().header("Authorization", ADMIN).contentType("application/json")
                    .body("{\"name\":\"remote-schema\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"e\","
                            + "\"auth\":{\"type\":\"none\"},\"transform\":{\"schema\":{\"$ref\":\"" + url + "\"}}}")
                    .when().post("/api/v1/endpoints")
                    .then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("code", is("invalid_endpoint"))
                    .body("errors.find { it.field == 'transform.schema' }.message",
                            is("$ref '" + url + "' points outside the schema; only references within the schema are allowed"));
            assertThat(server.requests()).isZero();
        }
    }

    @Test
    void managementNeedsTheRightRoleAndTenant() {
        String body = "{\"name\":\"v\",\"tenantId\":\"acme\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"}}";
        given().contentType("application/json").body(body).when().post("/api/v1/endpoints").then().statusCode(401);
        given().header("Authorization", "Bearer test-acme-viewer").contentType("application/json").body(body)
                .when().post("/api/v1/endpoints").then().statusCode(403).body("code", is("forbidden"));
        String other = (String) created("{\"name\":\"hidden\",\"tenantId\":\"" + tenant()
                + "\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"}}").get("id");
        given().header("Authorization", "Bearer test-acme-viewer").when().get("/api/v1/endpoints/" + other)
                .then().statusCode(404).body("code", is("endpoint_not_found"));
    }

    @Test
    void aSignedGithubDeliveryBecomesOneEventAndARepeatAnswersTheOriginalRun() {
        String secret = "gh-secret-" + UUID.randomUUID();
        String id = (String) created("{\"name\":\"repo\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"github\","
                + "\"auth\":{\"type\":\"github\"},\"focus\":\"review\",\"secret\":\"" + secret + "\"}").get("id");
        String delivery = UUID.randomUUID().toString();
        String body = "{\"ref\":\"refs/heads/main\",\"repository\":{\"full_name\":\"acme/app\"}}";

        String runId = deliverGithub(id, secret, "push", delivery, body)
                .then().statusCode(202).body("status", is("accepted"))
                .header("Location", org.hamcrest.Matchers.containsString("/api/v1/runs/"))
                .extract().path("runId");
        var record = KafkaTestClient.awaitRecord(inbound(), r -> runId.equals(r.value().getId()), Duration.ofSeconds(20));
        TriggerEvent event = TriggerEventCodec.fromCloudEvent(record.value());
        assertThat(event.type()).isEqualTo(TriggerType.WEBHOOK);
        assertThat(event.source()).isEqualTo("/webhooks/" + id);
        assertThat(event.eventName()).isEqualTo("github.push");
        assertThat(event.dedupKey()).isEqualTo(id + ":" + delivery);
        assertThat(event.focus()).isEqualTo("review");
        assertThat(event.data().payload().at("/repository/full_name").asText()).isEqualTo("acme/app");
        assertThat(event.data().headers()).containsEntry("x-github-event", "push")
                .doesNotContainKey("x-hub-signature-256");

        deliverGithub(id, secret, "push", delivery, body)
                .then().statusCode(202).body("status", is("duplicate")).body("runId", is(runId));
        assertThat(KafkaTestClient.readAll(inbound(), r -> r.value().getSource().toString().equals("/webhooks/" + id)))
                .hasSize(1);
    }

    @Test
    void concurrentDuplicateDeliveriesProduceOneEvent() {
        String secret = "gh-secret-" + UUID.randomUUID();
        String id = (String) created("{\"name\":\"burst\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"github\","
                + "\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}").get("id");
        String delivery = UUID.randomUUID().toString();
        List<CompletableFuture<String>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> deliverGithub(id, secret, "issues", delivery, "{\"n\":1}")
                    .then().statusCode(202).extract().path("runId")));
        }
        List<String> runIds = answers.stream().map(CompletableFuture::join).distinct().toList();
        assertThat(runIds).hasSize(1);
        KafkaTestClient.awaitRecord(inbound(), r -> runIds.get(0).equals(r.value().getId()), Duration.ofSeconds(20));
        assertThat(KafkaTestClient.readAll(inbound(), r -> r.value().getSource().toString().equals("/webhooks/" + id)))
                .hasSize(1);
    }

    @Test
    void answersEveryRefusalWithItsStatusAndProblemCode() {
        String secret = "gh-secret-" + UUID.randomUUID();
        String id = (String) created("{\"name\":\"strict\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"github\","
                + "\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}").get("id");
        String body = "{\"a\":1}";
        // tampered body
        given().contentType("application/json").header("X-Hub-Signature-256", githubSignature(secret, body))
                .body("{\"a\":2}").when().post("/webhooks/" + id)
                .then().statusCode(403).contentType("application/problem+json").body("code", is("bad_signature"));
        // no signature
        given().contentType("application/json").body(body).when().post("/webhooks/" + id)
                .then().statusCode(401).body("code", is("missing_credentials"));
        // signed, but not parseable
        String broken = "{\"a\":";
        given().contentType("application/json").header("X-Hub-Signature-256", githubSignature(secret, broken))
                .body(broken).when().post("/webhooks/" + id)
                .then().statusCode(400).body("code", is("invalid_body"));
        // signed, unsupported type
        given().contentType("application/octet-stream").header("X-Hub-Signature-256", githubSignature(secret, body))
                .body(body.getBytes(StandardCharsets.UTF_8)).when().post("/webhooks/" + id)
                .then().statusCode(415).body("code", is("unsupported_media_type"));
        // signed XXE
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        given().contentType("application/xml").header("X-Hub-Signature-256", githubSignature(secret, xxe))
                .body(xxe).when().post("/webhooks/" + id)
                .then().statusCode(400).body("code", startsWith("xml_"));
        // too large, refused from Content-Length
        given().contentType("application/json").body("{\"x\":\"" + "a".repeat(70_000) + "\"}")
                .when().post("/webhooks/" + id)
                .then().statusCode(413).contentType("application/problem+json").body("code", is("payload_too_large"));
        // unknown endpoint
        given().contentType("application/json").body(body).when().post("/webhooks/" + UUID.randomUUID())
                .then().statusCode(404).body("code", is("endpoint_not_found"));
        given().contentType("application/json").body(body).when().post("/webhooks/not-an-id")
                .then().statusCode(404);
        // ping is accepted and not published
        given().contentType("application/json").header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", githubSignature(secret, body)).body(body)
                .when().post("/webhooks/" + id).then().statusCode(200).body("reason", is("ping"));
    }

    @Test
    void bearerEndpointsCheckTheTokenAndDisabledOrDeletedEndpointsAnswer404() {
        String tenant = tenant();
        Map<String, Object> endpoint = created("{\"name\":\"ci\",\"tenantId\":\"" + tenant
                + "\",\"eventName\":\"ci.finished\",\"auth\":{\"type\":\"bearer\"}}");
        String id = (String) endpoint.get("id");
        String token = (String) endpoint.get("secret");
        given().contentType("application/json").header("Authorization", "Bearer nope").body("{}")
                .when().post("/webhooks/" + id).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("code", is("invalid_credentials"));
        given().contentType("text/plain").header("Authorization", "Bearer " + token).body("build 42 green")
                .when().put("/webhooks/" + id).then().statusCode(202).body("runId", notNullValue());

        String disabled = (String) created("{\"name\":\"off\",\"tenantId\":\"" + tenant
                + "\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"},\"enabled\":false}").get("id");
        given().contentType("application/json").body("{}").when().post("/webhooks/" + disabled).then().statusCode(404);

        given().header("Authorization", ADMIN).when().delete("/api/v1/endpoints/" + id).then().statusCode(204);
        given().contentType("application/json").header("Authorization", "Bearer " + token).body("{}")
                .when().post("/webhooks/" + id).then().statusCode(404);
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id).then().statusCode(404);
    }

    @Test
    void filtersDropNonMatchingDeliveriesAndTransformsShapeThePayload() {
        String secret = "gh-secret-" + UUID.randomUUID();
        String id = (String) created("{\"name\":\"main-only\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"github\","
                + "\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\","
                + "\"filter\":\"headers['x-github-event'] == 'push' && payload.ref == 'refs/heads/main'\","
                + "\"transform\":{\"mappings\":[{\"target\":\"repo\",\"path\":\"$.repository.full_name\",\"type\":\"string\"},"
                + "{\"target\":\"commits\",\"path\":\"$.size\",\"type\":\"number\",\"required\":true}],"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"commits\":{\"type\":\"number\",\"maximum\":100}}}}}")
                .get("id");
        String feature = "{\"ref\":\"refs/heads/feature\",\"size\":1}";
        deliverGithub(id, secret, "push", UUID.randomUUID().toString(), feature)
                .then().statusCode(200).body("status", is("filtered"));

        String main = "{\"ref\":\"refs/heads/main\",\"size\":\"3\",\"repository\":{\"full_name\":\"acme/app\"}}";
        String runId = deliverGithub(id, secret, "push", UUID.randomUUID().toString(), main)
                .then().statusCode(202).extract().path("runId");
        TriggerEvent event = TriggerEventCodec.fromCloudEvent(KafkaTestClient.awaitRecord(inbound(),
                r -> runId.equals(r.value().getId()), Duration.ofSeconds(20)).value());
        assertThat(event.data().payload().toString()).isEqualTo("{\"repo\":\"acme/app\",\"commits\":3}");

        String tooBig = "{\"ref\":\"refs/heads/main\",\"size\":500}";
        deliverGithub(id, secret, "push", UUID.randomUUID().toString(), tooBig)
                .then().statusCode(422).contentType("application/problem+json").body("code", is("transform_failed"))
                .body("errors[0].field", is("$.commits"));
        assertThat(KafkaTestClient.readAll(inbound(), r -> r.value().getSource().toString().equals("/webhooks/" + id)))
                .hasSize(1);

        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"body\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(main) + ",\"headers\":{"
                        + "\"X-GitHub-Event\":\"push\",\"Content-Type\":\"application/json\","
                        + "\"X-Hub-Signature-256\":\"" + githubSignature(secret, main) + "\"}}")
                .when().post("/api/v1/endpoints/" + id + "/test")
                .then().statusCode(200).body("outcome", is("would_publish")).body("filter.matches", is(true))
                .body("transformed.repo", is("acme/app")).body("event.data.payload.commits", is(3));

        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"bad-filter\",\"tenantId\":\"acme\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"},"
                        + "\"filter\":\"payload.x ==\"}")
                .when().post("/api/v1/endpoints").then().statusCode(422).body("errors[0].field", is("filter"));
    }

    @Test
    void rateLimitsPerEndpointAndPerSourceIpAnswer429WithRetryAfter() {
        String byEndpoint = (String) created("{\"name\":\"limited\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"e\","
                + "\"auth\":{\"type\":\"none\"},\"rateLimit\":{\"limit\":3,\"period\":\"PT1M\"}}").get("id");
        for (int i = 0; i < 3; i++) {
            given().contentType("application/json").body("{}").when().post("/webhooks/" + byEndpoint)
                    .then().statusCode(202);
        }
        given().contentType("application/json").body("{}").when().post("/webhooks/" + byEndpoint)
                .then().statusCode(429).contentType("application/problem+json").body("code", is("rate_limited"))
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"));
        assertThat(metric("webhook_rate_limited_total", Map.of("endpoint", byEndpoint))).isEqualTo(1.0);
        assertThat(requestCount(byEndpoint, 429)).isEqualTo(1.0);

        String byIp = (String) created("{\"name\":\"per-ip\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"e\","
                + "\"auth\":{\"type\":\"none\"},\"sourceIpRateLimit\":{\"limit\":1,\"period\":\"PT1H\",\"burst\":2}}")
                .get("id");
        given().contentType("application/json").body("{}").when().post("/webhooks/" + byIp).then().statusCode(202);
        given().contentType("application/json").body("{}").when().post("/webhooks/" + byIp).then().statusCode(202);
        given().contentType("application/json").body("{}").when().post("/webhooks/" + byIp)
                .then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"));

        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"bad-limit\",\"tenantId\":\"acme\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"},"
                        + "\"rateLimit\":{\"limit\":0,\"period\":\"PT0.1S\"}}")
                .when().post("/api/v1/endpoints").then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.hasItems("rateLimit.limit", "rateLimit.period"));
    }

    @Test
    void answersSlacksUrlVerificationChallenge() {
        String secret = "slack-secret-" + UUID.randomUUID();
        String id = (String) created("{\"name\":\"slack\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"slack\","
                + "\"auth\":{\"type\":\"slack\"},\"secret\":\"" + secret + "\"}").get("id");
        String body = "{\"type\":\"url_verification\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}";
        long ts = System.currentTimeMillis() / 1000;
        String sig = "v0=" + HexFormat.of().formatHex(SignatureVerifier.mac("HmacSHA256",
                secret.getBytes(StandardCharsets.UTF_8), ("v0:" + ts + ":" + body).getBytes(StandardCharsets.UTF_8)));
        given().contentType("application/json").header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sig).body(body)
                .when().post("/webhooks/" + id)
                .then().statusCode(200).body("challenge", is("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    }
}
