package io.agenttriggers.console;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** An in-JVM WireMock standing in for the governance-service and the dispatcher behind the console. */
public class ServiceStub implements QuarkusTestResourceLifecycleManager {

    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        return Map.of("triggers.console.services.governance", server.baseUrl(),
                "triggers.console.services.dispatcher", server.baseUrl() + "/dispatcher",
                // Nothing listens there: a service that is down.
                "triggers.console.services.cron", "http://127.0.0.1:1");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
