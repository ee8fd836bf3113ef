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

    /**
     * How long an event may wait to be handed to Kafka's producer before the delivery is answered 503 (and the event
     * is then never sent); once handed over, the producer's max.block.ms and delivery.timeout.ms bound the answer.
     */
    @WithDefault("PT10S")
    Duration publishTimeout();

    /** Bytes of events that may wait to be handed to Kafka's producer; past it deliveries are answered 503 at once. */
    @WithDefault("67108864")
    long publishQueueBytes();

    /** How long a delivery id is remembered: a repeat inside this window answers the original run id. */
    @WithDefault("PT24H")
    Duration dedupWindow();

    /**
     * How long a replica may serve an endpoint's cached configuration (or remember that an id is unknown) before
     * reading it again.
     */
    @WithDefault("PT2S")
    Duration endpointCacheTtl();

    /** Most known endpoints one replica keeps cached; past it the least useful entries are evicted. */
    @WithDefault("50000")
    int endpointCacheSize();

    /**
     * Most unknown endpoint ids one replica remembers (for {@code endpoint-cache-ttl}), apart from the known ones, so
     * made-up ids never evict a real endpoint.
     */
    @WithDefault("10000")
    int endpointNegativeCacheSize();

    /**
     * AES-256 key (base64 of 32 bytes) that encrypts endpoint secrets at rest; from {@code TRIGGERS_SECRETS_KEY}.
     * Required: without it secrets could not be read back after a restart.
     */
    Optional<String> secretsKey();

    /**
     * How long the event log keeps requests; whole UTC days, as a day's partition is dropped once all of it is older
     * (a request is kept at least this long and at most a day longer).
     */
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

    /**
     * Most endpoints one tenant may hold; creates through the API past it are refused (409
     * {@code tenant_quota_exceeded}). The declarative file's endpoints count but are never refused.
     */
    @WithDefault("500")
    int maxEndpointsPerTenant();
}
