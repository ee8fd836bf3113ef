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
}
