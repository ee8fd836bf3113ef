package io.agenttriggers.queue.config;

import io.agenttriggers.common.event.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the queue-consumer. The sources themselves are declared under
 * {@code triggers.queue.sources.<name>.*} or in {@link #sourcesFile()} (see {@link SourceCatalog}); the
 * default AMQP broker is set with the connector's own keys ({@code amqp-host}, ...).
 */
@ConfigMapping(prefix = "triggers.queue-consumer")
public interface QueueConsumerConfig {

    /** A YAML file with a top-level list {@code sources} (e.g. a mounted ConfigMap); {@code ${ENV}} placeholders. */
    Optional<String> sourcesFile();

    /** The topic trigger events are published to. */
    @WithDefault(Topics.INBOUND)
    String inboundTopic();

    /** How long the readiness check waits for the AMQP 1.0 broker to open a connection. */
    @WithDefault("PT3S")
    Duration brokerCheckTimeout();

    /** How long graceful shutdown waits for in-flight messages; what is unfinished then is not acknowledged. */
    @WithDefault("PT20S")
    Duration shutdownGrace();

    /** How often a replica reads the paused sources recorded in Redis (pause/resume applies to every replica). */
    @WithDefault("PT2S")
    Duration pauseSyncInterval();

    /** Whether sources start with the service (tests that drive runners themselves turn it off). */
    @WithDefault("true")
    boolean autoStart();

    /** Sources that workflow deployments create (docs/deployments.md): where they may read and what they may use. */
    Deployments deployments();

    interface Deployments {
        /** How often a replica checks for deployed sources created, changed or removed on any replica. */
        @WithDefault("PT2S")
        Duration syncInterval();

        /**
         * The prefix a deployed source's Kafka topic or AMQP address (and dead-letter) must have; {@code {tenant}}
         * is the deployment's tenant. Per tenant by default, so one tenant cannot read another's streams; an
         * installation with one team can set it to {@code none} (internal topics stay refused).
         */
        @WithDefault("{tenant}.")
        String addressPrefix();

        /**
         * Where credentials of deployed sources are read: {@code secret:<name>} is the file
         * {@code <dir>/<tenant>/<name>} (a Kubernetes Secret per tenant, mounted as a directory), or else the
         * environment variable {@code TRIGGERS_SECRET_<TENANT>_<NAME>} (upper case, other characters as '_').
         */
        @WithDefault("/var/run/agent-triggers/tenant-secrets")
        String secretsDir();

        /** Most deployed sources one tenant may have, over all its workflows (each runs consumers on every replica). */
        @WithDefault("20")
        int maxPerTenant();

        /** Highest concurrency a deployed source may ask for (consumer threads per replica). */
        @WithDefault("4")
        int maxConcurrency();

        /** Shortest poll interval of a deployed mailbox: the IMAP server is the tenant's, but the threads are ours. */
        @WithDefault("PT10S")
        Duration minPollInterval();
    }

    /** How long a replica's lease on a mailbox lasts without renewal (at least three poll intervals are granted). */
    @WithDefault("PT30S")
    Duration mailboxLease();
}
