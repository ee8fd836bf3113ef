package io.agenttriggers.queue;

import io.agenttriggers.common.testing.TenantIsolationMatrix;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Tenant globex's viewer, operator and admin tokens against every operation of this service, aimed at tenant acme's
 * sources (see {@link TenantIsolationMatrix}): none is shown, paused or resumed, and no answer names another source
 * or a source's address. Sources are declared by the operator, so acme's are the test profile's.
 */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class TenantIsolationTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void anotherTenantsCredentialsNeverReachAcmesSources() {
        String topic = ConfigProvider.getConfig().getValue("triggers.queue.sources.kafka-team.kafka.topic",
                String.class);
        TenantIsolationMatrix.against(base, "acme")
                .as("globex-viewer", "Bearer test-iso-viewer")
                .as("globex-operator", "Bearer test-iso-ops")
                .as("globex-admin", "Bearer test-iso-admin")
                .id("name", "imap-invoices")
                // Other sources' names and a source's address: never in an answer to globex.
                .marker("imap-support")
                .marker("amqp-wrong")
                .marker(topic)
                .assertIsolated();
    }
}
