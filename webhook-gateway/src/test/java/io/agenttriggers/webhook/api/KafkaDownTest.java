package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With Kafka unreachable nothing is answered 2xx: the sender gets 503 + Retry-After and its retry is not a repeat. */
@QuarkusTest
@TestProfile(KafkaDownTest.NoKafka.class)
class KafkaDownTest {

    public static class NoKafka implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.outgoing.\"triggers.inbound\".bootstrap.servers", "127.0.0.1:1",
                    "mp.messaging.outgoing.\"triggers.inbound\".max.block.ms", "300",
                    "mp.messaging.outgoing.\"triggers.inbound\".delivery.timeout.ms", "1000",
                    "mp.messaging.outgoing.\"triggers.inbound\".request.timeout.ms", "500",
                    "triggers.webhook-gateway.publish-timeout", "PT3S");
        }
    }

    @Test
    void answers503WithRetryAfterAndReleasesTheDeliveryId() {
        String secret = "down-secret-" + UUID.randomUUID();
        String id = (String) WebhookIngressTest.created("{\"name\":\"down\",\"tenantId\":\"" + WebhookIngressTest.tenant()
                + "\",\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}").get("id");
        String delivery = UUID.randomUUID().toString();
        for (int attempt = 0; attempt < 2; attempt++) {
            // The second attempt is the sender's retry: still 503, not a 202 "duplicate" of an event never stored.
            WebhookIngressTest.deliverGithub(id, secret, "push", delivery, "{\"a\":1}")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("code", is("not_durable"));
        }
    }
}
