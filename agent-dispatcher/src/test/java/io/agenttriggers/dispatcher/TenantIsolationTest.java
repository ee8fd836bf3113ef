package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.dispatcher.DispatchTest.approve;
import static io.agenttriggers.dispatcher.DispatchTest.awaitOutcome;
import static io.agenttriggers.dispatcher.DispatchTest.event;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.testing.TenantIsolationMatrix;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenant acme's viewer, operator and admin tokens against every operation of this service, aimed at another
 * tenant's run, its attempts and the dead-letter queue (see {@link TenantIsolationMatrix}): 403/404, never the
 * other tenant's data, nothing of it changed.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class TenantIsolationTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void tenantAcmesCredentialsNeverReachAnotherTenantsRuns() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenantB = "iso-b-" + suffix;
        String result = "b-secret-result-" + suffix;
        TriggerEvent e = event(tenantB, null, null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(e.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-" + suffix + "\",\"status\":\"succeeded\",\"result\":\""
                                + result + "\"}")));
        approve(e);
        awaitOutcome(e.id());

        TenantIsolationMatrix.against(base, tenantB)
                .as("acme-viewer", "Bearer test-iso-viewer")
                .as("acme-operator", "Bearer test-iso-ops")
                .as("acme-admin", "Bearer test-iso-admin")
                .id("runId", e.id())
                .marker(result)
                .marker("ag-" + suffix)
                .unchanged("/api/v1/runs/" + e.id())
                .unchanged("/api/v1/runs/" + e.id() + "/attempts")
                .assertIsolated();
    }
}
