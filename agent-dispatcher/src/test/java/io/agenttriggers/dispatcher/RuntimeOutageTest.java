package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.dispatcher.DispatchTest.approve;
import static io.agenttriggers.dispatcher.DispatchTest.awaitOutcome;
import static io.agenttriggers.dispatcher.DispatchTest.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.dispatcher.domain.RuntimeBreaker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The runtime goes down: the breaker opens, consumption pauses, runs in flight wait instead of spending attempts;
 * when the runtime is back the probe closes the breaker and every event succeeds: nothing is dead-lettered. Also
 * a {@code Retry-After} is honoured (a longer backoff cap than the other tests use).
 */
@QuarkusTest
@TestProfile(RuntimeOutageTest.Profile.class)
@QuarkusTestResource(value = RuntimeStub.class, restrictToAnnotatedClass = true)
class RuntimeOutageTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triggers.dispatcher.breaker-failure-threshold", "2",
                    "triggers.dispatcher.breaker-open-for", "PT1S",
                    "triggers.dispatcher.backoff-max", "PT3S",
                    "triggers.dispatcher.default-max-attempts", "5");
        }
    }

    @Inject
    RuntimeBreaker breaker;

    @Test
    void anOutageOpensTheBreakerPausesConsumptionAndDeadLettersNothing() {
        String tenant = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.tenantId", equalTo(tenant)))
                .willReturn(aResponse().withStatus(503)));
        List<TriggerEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TriggerEvent e = event(tenant, null, null);
            events.add(e);
            approve(e);
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> breaker.state() != RuntimeBreaker.State.CLOSED);
        given().when().get("/q/metrics").then().body(containsString("dispatcher_consumer_paused 1.0"));

        // The runtime is back: the next probe closes the breaker, consumption resumes, everything succeeds.
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.tenantId", equalTo(tenant)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"back\",\"status\":\"succeeded\",\"result\":\"ok\"}")));
        for (TriggerEvent e : events) {
            RunOutcome outcome = awaitOutcome(e.id());
            assertThat(outcome.status()).as(e.id()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(breaker.state()).isEqualTo(RuntimeBreaker.State.CLOSED);
        given().when().get("/q/metrics").then().body(containsString("dispatcher_consumer_paused 0.0"));
    }

    @Test
    void retryAfterIsHonouredAsTheFloorOfTheNextAttempt() {
        TriggerEvent e = event("retry-after-" + UUID.randomUUID().toString().substring(0, 8), null, null);
        String scenario = "retry-after-" + e.id();
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).inScenario(scenario)
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .withHeader("Idempotency-Key", equalTo(e.id()))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ok"));
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).inScenario(scenario).whenScenarioStateIs("ok")
                .withHeader("Idempotency-Key", equalTo(e.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"a\",\"status\":\"succeeded\",\"result\":1}")));
        approve(e);
        assertThat(awaitOutcome(e.id()).status()).isEqualTo(RunStatus.SUCCEEDED);
        List<String> starts = given().header("Authorization", DispatchTest.ADMIN)
                .when().get("/api/v1/runs/" + e.id() + "/attempts").then().statusCode(200)
                .extract().path("items.startedAt");
        assertThat(starts).hasSize(2);
        long gap = java.time.Duration.between(java.time.OffsetDateTime.parse(starts.get(0)),
                java.time.OffsetDateTime.parse(starts.get(1))).toMillis();
        assertThat(gap).isGreaterThanOrEqualTo(1900);
    }
}
