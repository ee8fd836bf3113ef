package io.agenttriggers.cron.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of the cron-service. */
@ConfigMapping(prefix = "triggers.cron-service")
public interface CronServiceConfig {

    /** How often a replica looks for due schedules. */
    @WithDefault("PT1S")
    Duration pollInterval();

    /** Most due schedules one replica claims per poll. */
    @WithDefault("100")
    int claimBatchSize();

    /** Time zone of schedules that name none. */
    @WithDefault("UTC")
    String defaultTimezone();
}
