package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.trace.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** One run's span is the child of the event's trace context, and the runtime's call carries it on. */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class TracingTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String UPSTREAM_SPAN = "00f067aa0ba902b7";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theRunsLogLinesAreJsonWithItsRunTenantAndTrace() throws Exception {
        String key = "traced-" + System.nanoTime();
        TriggerEvent first = DispatchTest.event("acme", key, null);
        TriggerEvent second = DispatchTest.event("acme", key, null).withTraceparent("00-" + TRACE + "-"
                + UPSTREAM_SPAN + "-01");
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(first.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-l\",\"status\":\"succeeded\",\"result\":1}")));
        DispatchTest.approve(first);
        DispatchTest.awaitOutcome(first.id());
        DispatchTest.approve(second);
        assertThat(DispatchTest.awaitOutcome(second.id()).status()).isEqualTo(RunStatus.DUPLICATE);

        // "Run <second> is a duplicate of <first>", logged while dispatching the second run.
        com.fasterxml.jackson.databind.JsonNode line = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("target/agent-dispatcher-test.json.log"))) {
                com.fasterxml.jackson.databind.JsonNode json = io.agenttriggers.common.event.EventJson.MAPPER.readTree(l);
                if (json.path("message").asText().startsWith("Run " + second.id() + " is a duplicate")) {
                    return json;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
        assertThat(line.at("/mdc/runId").asText()).isEqualTo(second.id());
        assertThat(line.at("/mdc/tenantId").asText()).isEqualTo("acme");
        assertThat(line.at("/mdc/traceId").asText()).isEqualTo(TRACE);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
    }

    @Test
    void theRunsSpanContinuesTheEventsTraceAndTheRuntimeCallCarriesIt() {
        TriggerEvent event = DispatchTest.event("acme", null, null)
                .withTraceparent("00-" + TRACE + "-" + UPSTREAM_SPAN + "-01");
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(event.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-t\",\"status\":\"succeeded\",\"result\":1}")));
        DispatchTest.approve(event);
        assertThat(DispatchTest.awaitOutcome(event.id()).status()).isEqualTo(RunStatus.SUCCEEDED);

        SpanData dispatch = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems()
                .stream().filter(s -> "dispatch".equals(s.getName()) && event.id().equals(s.getAttributes()
                        .get(io.opentelemetry.api.common.AttributeKey.stringKey("triggers.run_id")))).findFirst()
                .orElse(null), java.util.Objects::nonNull);
        assertThat(dispatch.getTraceId()).isEqualTo(TRACE);
        assertThat(dispatch.getParentSpanId()).isEqualTo(UPSTREAM_SPAN);
        assertThat(dispatch.getParentSpanContext().isRemote()).isTrue();
        assertThat(dispatch.getKind()).isEqualTo(SpanKind.CONSUMER);

        List<LoggedRequest> calls = RuntimeStub.server.findAll(postRequestedFor(urlEqualTo("/v1/runs"))
                .withHeader("Idempotency-Key", equalTo(event.id())));
        assertThat(calls).hasSize(1);
        String sent = calls.get(0).getHeader("traceparent");
        assertThat(sent).isEqualTo("00-" + TRACE + "-" + dispatch.getSpanId() + "-01");

        String stored = given().header("Authorization", DispatchTest.ADMIN).when().get("/api/v1/runs/" + event.id())
                .then().statusCode(200).extract().path("traceparent");
        assertThat(TraceContext.traceId(stored)).isEqualTo(TRACE);
    }
}
