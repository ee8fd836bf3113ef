package io.agenttriggers.webhook.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the webhook-gateway. */
@ConfigMapping(prefix = "triggers.webhook-gateway")
public interface WebhookGatewayConfig {

    /** Largest accepted webhook body, in bytes; a larger one is refused with 413 and never read past the limit. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Deepest accepted JSON or XML nesting. */
    @WithDefault("64")
    int maxDepth();

    /** Most form fields or XML elements and attributes in one body. */
    @WithDefault("10000")
    int maxFields();

    /** How long to wait for Kafka to acknowledge an event before answering 503. */
    @WithDefault("PT10S")
    Duration publishTimeout();

    /** How long a delivery id is remembered: a repeat inside this window answers the original run id. */
    @WithDefault("PT24H")
    Duration dedupWindow();

    /** How long a replica may serve an endpoint's cached configuration before reading it again. */
    @WithDefault("PT2S")
    Duration endpointCacheTtl();

    /**
     * AES-256 key (base64 of 32 bytes) that encrypts endpoint secrets at rest; from {@code TRIGGERS_SECRETS_KEY}.
     * Required: without it secrets could not be read back after a restart.
     */
    Optional<String> secretsKey();

    /** How long the event log keeps requests. */
    @WithDefault("P7D")
    Duration eventRetention();

    /** Most body bytes kept per logged request; longer bodies are logged truncated and cannot be replayed. */
    @WithDefault("262144")
    int eventLogBodyBytes();

    /**
     * A YAML file of endpoints (e.g. a mounted ConfigMap) reconciled into the database at start and whenever it
     * changes; its endpoints refuse edits through the REST API. {@code ${VAR}} and {@code ${VAR:default}} are replaced
     * from the environment.
     */
    Optional<String> endpointsFile();

    /** How often the endpoints file is checked for changes. */
    @WithDefault("PT2S")
    Duration endpointsFileInterval();

    /** Public base URL of this gateway, used in the {@code url} of endpoints; relative URLs when unset. */
    Optional<String> publicUrl();
}
