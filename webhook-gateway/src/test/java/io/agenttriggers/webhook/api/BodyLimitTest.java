package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Bodies without a Content-Length (chunked) are held to the same limit as declared ones (65536 bytes in tests). */
@QuarkusTest
class BodyLimitTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    /** Sends the body chunked: an InputStream publisher has no known length, so no Content-Length is sent. */
    static HttpResponse<String> postChunked(String endpointId, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/webhooks/"
                        + endpointId))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String open(String name) {
        return (String) WebhookIngressTest.created("{\"name\":\"" + name + "\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"}}").get("id");
    }

    /** Off the webhook route ("/webhooks/." is normalized away from it), the server-wide limit answers a problem. */
    @Test
    void aBodyOverTheServerWideLimitOnAnyOtherRouteIsAProblemToo() throws Exception {
        byte[] body = ("{\"x\":\"" + "a".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String path : new String[] { "/webhooks/.", "/api/v1/endpoints" }) {
            HttpResponse<String> declared = CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + RestAssured.port + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer test-admin-token")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(declared.statusCode()).as(path).isEqualTo(413);
            assertThat(declared.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(declared.body()).as(path).contains("\"code\":\"payload_too_large\"");
        }
    }

    @Test
    void refusesAChunkedBodyOverTheLimitWithAProblemAndCountsIt() throws Exception {
        String id = open("chunked-big");
        // Ten times the limit, as one JSON document, sent without a Content-Length.
        byte[] body = ("{\"x\":\"" + "a".repeat(655_360) + "\"}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = postChunked(id, body);

        assertThat(response.request().headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"payload_too_large\"").contains("65536");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                WebhookIngressTest.requestCount(id, 413)).isEqualTo(1.0));
    }

    @Test
    void acceptsAChunkedBodyWithinTheLimitWhole() throws Exception {
        String id = open("chunked-small");
        String marker = "m-" + java.util.UUID.randomUUID();
        String body = "{\"marker\":\"" + marker + "\",\"fill\":\"" + "b".repeat(60_000) + "\"}";

        HttpResponse<String> response = postChunked(id, body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String runId = io.restassured.path.json.JsonPath.from(response.body()).getString("runId");
        TriggerEvent event = TriggerEventCodec.fromCloudEvent(KafkaTestClient.awaitRecord(
                WebhookIngressTest.inbound(), r -> runId.equals(r.value().getId()), Duration.ofSeconds(30)).value());
        assertThat(event.data().payload().get("marker").asText()).isEqualTo(marker);
        assertThat(event.data().payload().get("fill").asText()).hasSize(60_000);
    }

    @Test
    void aBodyOverTheLimitWithContentLengthIsCountedUnderItsEndpoint() {
        String id = open("declared-big");
        given().contentType("application/json").body("{\"x\":\"" + "a".repeat(70_000) + "\"}")
                .when().post("/webhooks/" + id)
                .then().statusCode(413).contentType("application/problem+json");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                WebhookIngressTest.requestCount(id, 413)).isEqualTo(1.0));
    }
}
