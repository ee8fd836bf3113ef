package io.agenttriggers.api.config;

import io.agenttriggers.common.event.ResponseMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of the api-gateway. */
@ConfigMapping(prefix = "triggers.api-gateway")
public interface ApiGatewayConfig {

    /** API triggers declared in configuration, by trigger id (read-only; registered ones live in the database). */
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

    /** How often every replica checks for registered-trigger changes (a change is served within this). */
    @WithDefault("PT0.5S")
    Duration routeRefresh();

    /** How long an {@code Idempotency-Key} is remembered per tenant. */
    @WithDefault("PT24H")
    Duration idempotencyWindow();

    /** Field names dropped from every request body at any depth (case-insensitive); triggers can add their own. */
    @WithDefault("__proto__,constructor")
    List<String> dropFields();

    /** Rate limit applied to every API key that does not carry its own: requests per second (0 = none). */
    @WithDefault("0")
    int defaultKeyRatePerSecond();

    /** How long accepted-run records (which answer {@code queued} before the ledger has a run) are kept. */
    @WithDefault("P30D")
    Duration acceptedRunRetention();

    /** Declarative YAML file of API triggers, reconciled at start (empty = none). */
    Optional<String> triggersFile();

    interface Route {
        /** HTTP method, e.g. {@code POST}. */
        @WithDefault("POST")
        String method();

        /** Path under which the trigger is served (templates allowed). */
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
