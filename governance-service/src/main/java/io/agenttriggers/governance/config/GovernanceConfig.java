package io.agenttriggers.governance.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the governance-service. */
@ConfigMapping(prefix = "triggers.governance")
public interface GovernanceConfig {

    /** What happens to events no policy matches: {@code allow} or {@code deny}. */
    @WithDefault("allow")
    String defaultAction();

    /** First delay before retrying an event whose decision could not be stored or forwarded. */
    @WithDefault("PT0.2S")
    Duration retryInitialBackoff();

    /** Longest delay between such retries; the event is retried until it succeeds, never dropped. */
    @WithDefault("PT10S")
    Duration retryMaxBackoff();

    /** Longest wait for one Redis call before the policies' {@code onUnavailable} decides. */
    @WithDefault("PT0.5S")
    Duration redisTimeout();

    /**
     * How long Redis remembers a run's decision, so a redelivered event consumes no limit twice (its audited
     * decision stands in any case).
     */
    @WithDefault("PT1H")
    Duration decisionMemory();

    /** How long a concurrency slot stays taken when the run's outcome never arrives. */
    @WithDefault("PT1H")
    Duration concurrencyLease();

    /** The {@code retryAfter} of a {@code governance_unavailable} rejection. */
    @WithDefault("PT5S")
    Duration unavailableRetryAfter();

    /** How often replicas check whether the policy set changed. */
    @WithDefault("PT1S")
    Duration policyRefresh();

    /** The declarative policies file (YAML, {@code policies: [...]}); none when unset. */
    Optional<String> policiesFile();

    /** How often the policies file is checked for changes. */
    @WithDefault("PT2S")
    Duration policiesFileInterval();

    /** How long live-stream subscribers may stay connected before the server closes the stream (they reconnect). */
    @WithDefault("PT30M")
    Duration streamMaxDuration();

    /** Most policies one tenant may hold (every event is checked against all of them; the file's count too). */
    @WithDefault("200")
    int maxPoliciesPerTenant();

    /** Most global policies (no tenant; they apply to every tenant's events). */
    @WithDefault("1000")
    int maxGlobalPolicies();

    /**
     * How long decisions are kept; whole UTC days, as a day's partition is dropped once all of it is older (a
     * decision is kept at least this long and at most a day longer).
     */
    @WithDefault("P30D")
    Duration decisionRetention();
}
