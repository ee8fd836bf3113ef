package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.agenttriggers.common.testing.KafkaTestClient;
import io.agenttriggers.webhook.domain.SignatureVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Standard Webhooks, Stripe and Shopify deliveries over HTTP: stale timestamps, repeats, hostile XML. */
@QuarkusTest
class ProviderDeliveryTest {

    /** Twice the default tolerance of 300 s. */
    static final long STALE_SECONDS = 600;

    static String create(String name, String authType, String secret) {
        String withSecret = secret == null ? "" : ",\"secret\":\"" + secret + "\"";
        return (String) WebhookIngressTest.created("{\"name\":\"" + name + "\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"" + name + "\",\"auth\":{\"type\":\"" + authType
                + "\"}" + withSecret + "}").get("id");
    }

    static byte[] hmacSha256(byte[] key, String content) {
        return SignatureVerifier.mac("HmacSHA256", key, content.getBytes(StandardCharsets.UTF_8));
    }

    static RequestSpecification standardWebhook(String secret, String msgId, long timestamp, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        String signature = "v1," + Base64.getEncoder().encodeToString(hmacSha256(key, msgId + "." + timestamp + "." + body));
        return given().contentType("application/json").header("webhook-id", msgId)
                .header("webhook-timestamp", Long.toString(timestamp)).header("webhook-signature", signature).body(body);
    }

    static RequestSpecification stripe(String secret, long timestamp, String body) {
        String v1 = HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), timestamp + "." + body));
        return given().contentType("application/json").header("Stripe-Signature", "t=" + timestamp + ",v1=" + v1)
                .body(body);
    }

    static RequestSpecification shopify(String secret, String webhookId, String body) {
        String hmac = Base64.getEncoder().encodeToString(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
        return given().contentType("application/json").header("X-Shopify-Hmac-Sha256", hmac)
                .header("X-Shopify-Webhook-Id", webhookId).header("X-Shopify-Topic", "orders/create").body(body);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** The first delivery is accepted, a repeat with the same delivery id answers the original run and publishes nothing. */
    static void assertRepeatAnswersTheOriginalRun(String endpointId, Function<Integer, RequestSpecification> delivery) {
        String runId = delivery.apply(1).when().post("/webhooks/" + endpointId)
                .then().statusCode(202).body("status", is("accepted")).extract().path("runId");
        delivery.apply(2).when().post("/webhooks/" + endpointId)
                .then().statusCode(202).body("status", is("duplicate")).body("runId", is(runId));
        KafkaTestClient.awaitRecord(WebhookIngressTest.inbound(), r -> runId.equals(r.value().getId()),
                Duration.ofSeconds(30));
        assertThat(KafkaTestClient.readAll(WebhookIngressTest.inbound(),
                r -> r.value().getSource().toString().equals("/webhooks/" + endpointId))).hasSize(1);
    }

    @Test
    void standardWebhooksRefusesAStaleTimestampAndDeduplicatesByWebhookId() {
        java.util.Map<String, Object> endpoint = WebhookIngressTest.created("{\"name\":\"std\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"std\",\"auth\":{\"type\":\"standard-webhooks\"}}");
        String id = (String) endpoint.get("id");
        String secret = (String) endpoint.get("secret");
        assertThat(secret).startsWith("whsec_");
        String body = "{\"type\":\"invoice.paid\",\"n\":1}";

        standardWebhook(secret, "msg_" + UUID.randomUUID(), now() - STALE_SECONDS, body)
                .when().post("/webhooks/" + id)
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("timestamp_outside_tolerance"));

        String msgId = "msg_" + UUID.randomUUID();
        // The repeat is signed afresh with a new timestamp, as a provider's retry would be.
        assertRepeatAnswersTheOriginalRun(id, attempt -> standardWebhook(secret, msgId, now(), body));
    }

    @Test
    void stripeRefusesAStaleTimestampAndDeduplicatesByTheEventId() {
        String secret = "whsec_stripe_" + UUID.randomUUID();
        String id = create("stripe", "stripe", secret);
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        String body = "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"charge.succeeded\"}";

        stripe(secret, now() - STALE_SECONDS, body).when().post("/webhooks/" + id)
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("timestamp_outside_tolerance"));

        assertRepeatAnswersTheOriginalRun(id, attempt -> stripe(secret, now(), body));
    }

    @Test
    void shopifyDeduplicatesByTheWebhookIdHeader() {
        String secret = "shpss_" + UUID.randomUUID();
        String id = create("shop", "shopify", secret);
        String webhookId = UUID.randomUUID().toString();
        // A retry carries the same X-Shopify-Webhook-Id; its body may differ (e.g. a newer updated_at).
        assertRepeatAnswersTheOriginalRun(id,
                attempt -> shopify(secret, webhookId, "{\"id\":820982911946154508,\"attempt\":" + attempt + "}"));
    }

    @Test
    void refusesAnEntityExpansionBombWithoutExpandingIt() {
        String id = create("xml", "none", null);
        StringBuilder dtd = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            String previous = "&lol" + (i - 1) + ";";
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(previous.repeat(10)).append("\">");
        }
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [" + dtd + "]><lolz>&lol9;</lolz>";

        given().contentType("application/xml").body(bomb).when().post("/webhooks/" + id)
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", startsWith("xml_"))
                .body("detail", not(containsString("lollol")));
        assertThat(KafkaTestClient.readAll(WebhookIngressTest.inbound(),
                r -> r.value().getSource().toString().equals("/webhooks/" + id))).isEmpty();
    }
}
