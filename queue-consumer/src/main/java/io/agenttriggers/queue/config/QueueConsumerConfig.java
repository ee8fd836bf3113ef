package io.agenttriggers.queue.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of the queue-consumer. The AMQP broker is set with the connector's own keys ({@code amqp-host}, ...). */
@ConfigMapping(prefix = "triggers.queue-consumer")
public interface QueueConsumerConfig {

    /** How long the readiness check waits for the AMQP 1.0 broker to open a connection. */
    @WithDefault("PT3S")
    Duration brokerCheckTimeout();

    /** How long graceful shutdown waits for in-flight messages. */
    @WithDefault("PT20S")
    Duration shutdownGrace();
}
