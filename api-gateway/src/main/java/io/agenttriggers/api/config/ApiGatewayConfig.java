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

    /**
     * How long to wait for Kafka to acknowledge an event before answering 503: longer than the inbound producer's own
     * bound (max.block.ms 5 s + delivery.timeout.ms 9 s), so that the producer answers first and a 503 means the
     * event is not on Kafka.
     */
    @WithDefault("PT20S")
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

    /**
     * How long accepted-run records (which answer {@code queued} before the ledger has a run) are kept; whole UTC
     * days, as a day's partition is dropped once all of it is older.
     */
    @WithDefault("P30D")
    Duration acceptedRunRetention();

    /** Declarative YAML file of API triggers, reconciled at start (empty = none). */
    Optional<String> triggersFile();

    /** Most registered API triggers one tenant may hold (the file's count, but only API creates are refused). */
    @WithDefault("500")
    int maxApiTriggersPerTenant();

    /**
     * How long a replica may serve a cached API-key lookup before reading the key again: a revocation made through
     * another replica takes effect within it (one made here, at once).
     */
    @WithDefault("PT1S")
    Duration apiKeyCacheTtl();

    /** Most known API keys one replica keeps cached; past it the least useful entries are evicted. */
    @WithDefault("20000")
    int apiKeyCacheSize();

    /**
     * Most unknown API keys (by hash) one replica remembers (for {@code api-key-cache-ttl}), apart from the known
     * ones, so made-up keys never evict a real one.
     */
    @WithDefault("10000")
    int apiKeyNegativeCacheSize();

    /** Most active (not revoked, not expired) API keys one tenant may hold. */
    @WithDefault("200")
    int maxApiKeysPerTenant();

    /** Most manual triggers one tenant may hold. */
    @WithDefault("200")
    int maxManualTriggersPerTenant();

    /** Most deployed workflows one tenant may hold. */
    @WithDefault("200")
    int maxWorkflowsPerTenant();

    /**
     * Versions kept per workflow, newest first (the one in force is always kept): enough to roll back far, without
     * letting one workflow's deploys grow the table without end.
     */
    @WithDefault("100")
    int maxVersionsPerWorkflow();

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
