package io.agenttriggers.common.overload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** When an ingress turns deliveries away because the pipeline behind it is behind ({@link BacklogGate}). */
@ConfigMapping(prefix = "triggers.overload")
public interface OverloadConfig {

    /** Off: every delivery is accepted whatever the backlog (it stays durable on Kafka and drains later). */
    @WithDefault("true")
    boolean enabled();

    /**
     * The consumers whose backlog is watched, as {@code topic:group}. Governance by default: it is the pipeline's own
     * pace. The dispatcher is left out on purpose, since agent runs are long by nature and Kafka is there to buffer
     * them.
     */
    @WithDefault("triggers.inbound:governance-service")
    List<String> watch();

    /**
     * Deliveries are refused (503 with {@code Retry-After}) while a watched consumer needs longer than this to
     * catch up at the rate it has been consuming, and accepted again once it needs less than half of it.
     */
    @WithDefault("PT5S")
    Duration maxBacklog();

    /** A backlog of fewer records never refuses anything: at low rates the estimate is noise. */
    @WithDefault("500")
    long minLag();

    /** How often the backlog is read from Kafka (committed offsets against the topic's end). */
    @WithDefault("PT1S")
    Duration interval();
}
