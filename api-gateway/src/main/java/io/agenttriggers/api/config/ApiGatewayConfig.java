package io.agenttriggers.api.config;

import io.agenttriggers.common.event.ResponseMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Configuration of the api-gateway. */
@ConfigMapping(prefix = "triggers.api-gateway")
public interface ApiGatewayConfig {

    /** API triggers declared in configuration, by trigger id. */
    Map<String, Route> routes();

    /** How long to wait for Kafka to acknowledge an event before answering 503. */
    @WithDefault("PT10S")
    Duration publishTimeout();

    /** Largest accepted request body, in bytes. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Deepest accepted JSON nesting. */
    @WithDefault("64")
    int maxJsonDepth();

    interface Route {
        /** HTTP method, e.g. {@code POST}. */
        @WithDefault("POST")
        String method();

        /** Path under which the trigger is served, starting with {@code /api/}. */
        String path();

        /** Business event name of the events it produces. */
        String eventName();

        /** Tenant that owns the trigger. */
        String tenantId();

        /** {@code async} (202 + run id) or {@code sync}. */
        @WithDefault("async")
        ResponseMode responseMode();

        /** Optional focus hint passed to the agent. */
        Optional<String> focus();

        /** Free text shown in listings. */
        Optional<String> description();
    }
}
