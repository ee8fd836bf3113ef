package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The gateway's admission limit at a limit of one: while one delivery is in progress (its publish waiting for a Kafka
 * that is not there), the next is refused 503 {@code overloaded} at once, and admitted again once the first ended.
 */
@QuarkusTest
@TestProfile(AdmissionLimitIngressTest.OneAtATime.class)
class AdmissionLimitIngressTest {

    public static class OneAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.outgoing.\"triggers.inbound\".bootstrap.servers", "127.0.0.1:1",
                    "mp.messaging.outgoing.\"triggers.inbound\".max.block.ms", "3000",
                    "mp.messaging.outgoing.\"triggers.inbound\".delivery.timeout.ms", "4000",
                    "mp.messaging.outgoing.\"triggers.inbound\".request.timeout.ms", "2000",
                    "triggers.webhook-gateway.publish-timeout", "PT6S",
                    "triggers.overload.adaptive.initial-limit", "1",
                    "triggers.overload.adaptive.min-limit", "1",
                    "triggers.overload.adaptive.max-limit", "1");
        }
    }

    @Test
    void aDeliveryPastTheLimitIsRefusedAtOnceAndTheNextOneAfterIsAdmitted() {
        String secret = "limit-secret-" + UUID.randomUUID();
        String id = (String) WebhookIngressTest.created("{\"name\":\"limited\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},"
                + "\"secret\":\"" + secret + "\"}").get("id");
        double refusedBefore = shedByTheLimit();

        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> WebhookIngressTest.deliverGithub(id,
                secret, "push", UUID.randomUUID().toString(), "{\"n\":1}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("triggers_ingress_in_flight") == 1.0);

        long started = System.nanoTime();
        WebhookIngressTest.deliverGithub(id, secret, "push", UUID.randomUUID().toString(), "{\"n\":2}")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "1")
                .body("code", is("overloaded"));
        // Refused before the first one's publish gave up: it never waited for Kafka.
        assertThat(first).isNotDone();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(shedByTheLimit()).isEqualTo(refusedBefore + 1);

        first.join().then().statusCode(503).body("code", is("not_durable"));
        assertThat(gauge("triggers_ingress_in_flight")).isZero();
        // The place is free again: the next delivery is admitted (and, Kafka being away, not made durable).
        WebhookIngressTest.deliverGithub(id, secret, "push", UUID.randomUUID().toString(), "{\"n\":3}")
                .then().statusCode(503).body("code", is("not_durable"));
    }

    private static double shedByTheLimit() {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith("triggers_ingress_shed_total{"))
                .filter(line -> line.contains("cause=\"admission_limit\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A meter without tags of its own, as {@code /q/metrics} shows it (with or without common tags). */
    private static double gauge(String name) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
