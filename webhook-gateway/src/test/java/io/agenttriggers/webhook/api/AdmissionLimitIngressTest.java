package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.testing.AdmissionChecks;
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
            return AdmissionChecks.oneAtATimeWithKafkaAway("triggers.webhook-gateway.publish-timeout");
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
        return AdmissionChecks.meter(scrape(), "triggers_ingress_shed_total", "cause=\"admission_limit\"");
    }

    private static double gauge(String name) {
        return AdmissionChecks.meter(scrape(), name);
    }

    private static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
