package io.agenttriggers.dispatcher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of the agent-dispatcher. The runtime's URL is {@code quarkus.rest-client.agent-runtime.url}. */
@ConfigMapping(prefix = "triggers.dispatcher")
public interface DispatcherConfig {

    /** How long a (tenant, dedup key) stays claimed by its first run. */
    @WithDefault("PT24H")
    Duration idempotencyWindow();

    /** Per-attempt timeout when the event does not set one. */
    @WithDefault("PT30S")
    Duration defaultTimeout();

    /** Attempts against the runtime when the event does not set {@code maxAttempts}. */
    @WithDefault("3")
    int defaultMaxAttempts();

    /** First retry delay; doubles per attempt, with full jitter. */
    @WithDefault("PT0.2S")
    Duration backoffInitial();

    /** Cap of the retry delay (also caps an honoured {@code Retry-After}). */
    @WithDefault("PT30S")
    Duration backoffMax();

    /** First delay between polls of a {@code 202} run. */
    @WithDefault("PT0.1S")
    Duration pollInitial();

    /** Cap of the delay between polls. */
    @WithDefault("PT5S")
    Duration pollMax();

    /** How long an attempt may poll a {@code 202} run before it counts as timed out. */
    @WithDefault("PT10M")
    Duration pollDeadline();

    /** Seed of the agent/fallback draw ({@code migrationWeight}); unset draws differently every start. */
    java.util.Optional<Long> pathSeed();

    /** Longest result (serialized JSON) kept in the ledger and outcome; a longer one is replaced by a note. */
    @WithDefault("65536")
    int maxResultBytes();

    /** Consecutive unhealthy runtime calls (connection errors, timeouts, 5xx) that open the breaker. */
    @WithDefault("5")
    int breakerFailureThreshold();

    /** How long the breaker stays open (consumption paused) before one probe call. */
    @WithDefault("PT10S")
    Duration breakerOpenFor();

    /**
     * Runs in flight at once in this replica, records of one partition included (they are claimed by run id, so
     * concurrency never runs an event twice). 1 keeps each partition strictly in order, at the price of throughput:
     * one slow run then holds every event behind it. Agent runs take seconds, so a replica's throughput is about
     * this number divided by the runtime's answer time (256 runs of 5 s: ~50 runs/s).
     */
    @WithDefault("256")
    int maxInFlight();

    /**
     * How long a run's execution holds it without renewing: a redelivered run is taken over only after its owner's
     * lease lapsed. Long enough that a renewal ({@code run-lease} / 3) missed under load does not hand a live run to a
     * second execution; short enough that a run whose replica died resumes soon after.
     */
    @WithDefault("PT15S")
    Duration runLease();

    /** Delay cap when the ledger or Kafka fail and the event is retried (never dropped). */
    @WithDefault("PT10S")
    Duration infrastructureRetryMax();

    /**
     * How long the ledger keeps runs and their attempts; whole UTC days, as a day's partition is dropped once all of
     * it is older (a run is kept at least this long and at most a day longer).
     */
    @WithDefault("P90D")
    Duration runRetention();
}
