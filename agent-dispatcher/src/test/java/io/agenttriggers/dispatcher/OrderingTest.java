package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.dispatcher.DispatchTest.ADMIN;
import static io.agenttriggers.dispatcher.DispatchTest.approve;
import static io.agenttriggers.dispatcher.DispatchTest.awaitOutcome;
import static io.agenttriggers.dispatcher.DispatchTest.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.TriggerEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** Events that ask for order run one at a time per partition key; the others overlap. */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class OrderingTest {

    static void answers(TriggerEvent e, int delayMs) {
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(e.id()))
                .willReturn(aResponse().withStatus(200).withFixedDelay(delayMs)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-" + e.id() + "\",\"status\":\"succeeded\"}")));
    }

    static OffsetDateTime time(String runId, String field) {
        return OffsetDateTime.parse(given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + runId)
                .then().statusCode(200).extract().path(field));
    }

    /** Two events of one key (same tenant and event name): a slow first one, a fast second one. */
    static TriggerEvent[] slowThenFast(Boolean ordered) {
        String tenant = "order-" + System.nanoTime();
        DispatchOptions options = new DispatchOptions(null, null, null, null, ordered);
        TriggerEvent slow = event(tenant, null, options);
        TriggerEvent fast = event(tenant, null, options);
        answers(slow, 1500);
        answers(fast, 0);
        approve(slow);
        approve(fast);
        awaitOutcome(slow.id());
        awaitOutcome(fast.id());
        return new TriggerEvent[] {slow, fast};
    }

    @Test
    void orderedEventsOfOneKeyRunOneAfterTheOtherInArrivalOrder() {
        TriggerEvent[] runs = slowThenFast(true);
        assertThat(time(runs[1].id(), "startedAt")).isAfterOrEqualTo(time(runs[0].id(), "finishedAt"));
    }

    @Test
    void unorderedEventsOfOneKeyOverlap() {
        TriggerEvent[] runs = slowThenFast(null);
        // The fast one did not wait for the slow one: it ended first.
        assertThat(time(runs[1].id(), "finishedAt")).isBefore(time(runs[0].id(), "finishedAt"));
    }
}
