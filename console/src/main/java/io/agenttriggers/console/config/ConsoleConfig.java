package io.agenttriggers.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** The console: where each service's API is, and the bounds of what it passes to them. */
@ConfigMapping(prefix = "triggers.console")
public interface ConsoleConfig {

    /**
     * Base URL of each service's API by the name the browser uses ({@code /console/api/<name>/...}): api, webhook,
     * cron, queue, governance, dispatcher.
     */
    Map<String, String> services();

    /** Largest request body passed on; the management APIs take far smaller documents. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Connections kept to each service; requests beyond them wait (at most {@link #maxWaiting()}). */
    @WithDefault("32")
    int maxConnectionsPerService();

    /** Requests waiting for a connection to a service before the console answers 503 at once. */
    @WithDefault("256")
    int maxWaiting();

    /** How long a service may take to accept a connection. */
    @WithDefault("2S")
    Duration connectTimeout();

    /**
     * A connection with nothing on it for this long is closed. Live decision streams end then and the browser opens
     * another, so it also bounds how long an abandoned stream holds a connection.
     */
    @WithDefault("2M")
    Duration idleTimeout();
}
