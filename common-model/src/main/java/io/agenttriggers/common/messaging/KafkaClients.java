package io.agenttriggers.common.messaging;

import java.util.HashMap;
import java.util.Map;

/**
 * Settings for a Kafka client of a service's own (a producer or an admin beside the connector's channels): those of
 * its default broker, that is every {@code kafka.} key of its configuration ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*}, {@code KAFKA_SSL_*}), so a cluster that needs TLS or SASL is
 * configured once for every client. Consumer-only and serialization keys are left out: the client sets its own.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** A copy of the default broker's settings (the {@code @Identifier("default-kafka-broker")} map). */
    public static Map<String, Object> shared(Map<String, Object> defaultBroker) {
        Map<String, Object> config = new HashMap<>(defaultBroker);
        config.keySet().removeIf(k -> k.startsWith("key.") || k.startsWith("value.") || k.contains("serializer")
                || k.startsWith("group.") || k.startsWith("auto.") || k.startsWith("enable.auto."));
        return config;
    }
}
