package io.agenttriggers.webhook.api;

import static io.agenttriggers.webhook.api.WebhookIngressTest.created;
import static io.agenttriggers.webhook.api.WebhookIngressTest.tenant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** An event Kafka could never take is a 413 before anything is published, never a 503 that invites retries. */
@QuarkusTest
class EventSizeLimitTest {

    @Test
    void aBodyWhoseEventWouldBeTooLargeIs413AndTheSameDeliveryIdCanBeSentAgainSmaller() {
        String id = (String) created("{\"name\":\"sized\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"s\","
                + "\"auth\":{\"type\":\"none\"},\"dedup\":{\"header\":\"X-Delivery\"}}").get("id");
        // Under the 64 KiB body limit, but every control character takes six bytes as JSON in the event.
        String body = "\u0001".repeat(30_000);
        given().contentType("text/plain").header("X-Delivery", "d-1").body(body).when().post("/webhooks/" + id)
                .then().statusCode(413).contentType("application/problem+json")
                .header("Retry-After", nullValue())
                .body("code", is("event_too_large"))
                .body("detail", containsString("triggers.events.max-bytes"));
        // The delivery id was released: the sender's corrected delivery is not taken for a repeat.
        given().contentType("text/plain").header("X-Delivery", "d-1").body("small").when().post("/webhooks/" + id)
                .then().statusCode(202).body("status", is("accepted"));
    }
}
