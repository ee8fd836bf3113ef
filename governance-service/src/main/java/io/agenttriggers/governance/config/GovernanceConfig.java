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

    /**
     * How often a live stream carries a comment line when no decision does; well under the idle timeouts of the
     * proxies in front (the console's is 2 minutes, an nginx ingress's 60 seconds by default).
     */
    @WithDefault("PT15S")
    Duration streamHeartbeat();

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

    /** Tenants' alert rules, channels and notifications. */
    Alerts alerts();

    interface Alerts {

        /** Most alert rules per tenant: every outcome of the tenant is matched against each. */
        @WithDefault("100")
        int maxRulesPerTenant();

        /**
         * Most alerts (distinct group keys) per rule; outcomes of further keys count towards one alert whose key is
         * {@code (other)}, so a tenant sending endless distinct event names cannot flood the shared outbox.
         */
        @WithDefault("1000")
        int maxAlertsPerRule();

        /** Most notification channels per tenant. */
        @WithDefault("20")
        int maxChannelsPerTenant();

        /**
         * AES-256 key (base64 of 32 bytes) that seals channel secrets at rest; from {@code TRIGGERS_SECRETS_KEY}.
         * Without it channels with secrets (webhook, slack) cannot be created.
         */
        Optional<String> secretsKey();

        /** How often firing alerts whose condition depends on time (windows, quiet periods) are evaluated again. */
        @WithDefault("PT15S")
        Duration tick();

        /** How often the outbox is polled for due notifications (a new one is also sent at once). */
        @WithDefault("PT1S")
        Duration deliveryPoll();

        /** Notifications claimed per poll and replica. */
        @WithDefault("50")
        int deliveryBatch();

        /**
         * Most notifications of one tenant in one round: a tenant's backlog or slow channel takes a fifth of a round
         * and the other tenants' notifications go out in the same round.
         */
        @WithDefault("10")
        int deliveryPerTenant();

        /**
         * Attempts per notification before it is marked failed; with the backoff (doubling from
         * {@code first-backoff}, capped at 15 min) twelve attempts cover over an hour of a channel being down.
         */
        @WithDefault("12")
        int maxAttempts();

        /** The wait before a failed notification's second attempt; each later wait doubles. */
        @WithDefault("PT5S")
        Duration firstBackoff();

        /** Longest a channel may take to answer one attempt. */
        @WithDefault("PT10S")
        Duration deliveryTimeout();

        /** The sender of e-mail notifications. */
        @WithDefault("alerts@agenttriggers.local")
        String emailFrom();

        /** Base URL of links in notifications (the console or the API). */
        @WithDefault("http://localhost:8084")
        String linkBase();

        /**
         * Most runs a dry run reads from the ledger (newest first, in pages of 500): it answers within seconds and
         * costs the ledger a bounded read however busy the tenant is.
         */
        @WithDefault("5000")
        int dryRunMaxRuns();
    }
}
