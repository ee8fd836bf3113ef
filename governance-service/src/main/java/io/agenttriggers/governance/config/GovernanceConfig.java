package io.agenttriggers.governance.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of the governance-service. */
@ConfigMapping(prefix = "triggers.governance")
public interface GovernanceConfig {

    /** What the built-in default policy does with events no other policy rejects: {@code allow} or {@code deny}. */
    @WithDefault("allow")
    String defaultAction();

    /** First delay before retrying an event whose decision could not be stored or forwarded. */
    @WithDefault("PT0.2S")
    Duration retryInitialBackoff();

    /** Longest delay between such retries; the event is retried until it succeeds, never dropped. */
    @WithDefault("PT10S")
    Duration retryMaxBackoff();
}
