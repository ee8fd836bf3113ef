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

    /** The ingress's adaptive concurrency limit ({@link AdmissionLimit}). */
    Adaptive adaptive();

    interface Adaptive {

        /**
         * Off: deliveries are never refused for the ingress's own latency (the backlog gate still applies). Raw
         * capacity benchmarks turn it off, since they measure what the gateway does when it is saturated.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The answer time the ingress keeps to: while the 90th percentile of a window's answers is above it, the
         * limit shrinks by a tenth per window. Half a second is far above what a healthy gateway answers in (a few
         * ms) and far below a provider's delivery timeout (GitHub's is 10 s, Slack's 3 s). The 90th percentile, not
         * the 99th, because on a busy machine the slowest answers of a window are one stall of the process (a
         * collection, a descheduled thread) that refusing deliveries would not shorten; a queue that builds up
         * slows most of them.
         */
        @WithDefault("PT0.5S")
        Duration answerTime();

        /**
         * The limit a gateway starts with: above what a healthy gateway has in progress at thousands of deliveries
         * a second (tens), so that a burst is not refused before the gateway has shown it cannot take it.
         */
        @WithDefault("256")
        int initialLimit();

        /**
         * The fewest deliveries in progress at once that are always admitted, however slow the answers: a gateway
         * saturated by its neighbours on the machine still takes this many at a time.
         */
        @WithDefault("16")
        int minLimit();

        /** The most deliveries in progress at once, however fast they are answered. */
        @WithDefault("2048")
        int maxLimit();
    }
}
