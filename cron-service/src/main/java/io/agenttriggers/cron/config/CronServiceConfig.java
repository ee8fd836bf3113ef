package io.agenttriggers.cron.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the cron-service. */
@ConfigMapping(prefix = "triggers.cron-service")
public interface CronServiceConfig {

    /**
     * Longest sleep of the firing loop: it wakes at the nearest due time, and at least this often to see schedules
     * other replicas created.
     */
    @WithDefault("PT1S")
    Duration maxSleep();

    /**
     * The cluster this replica fires for: replicas fire only the schedules created in their cluster, so independent
     * deployments (or test runs) can share one database.
     */
    @WithDefault("default")
    String cluster();

    /** Most due schedules one replica claims per round. */
    @WithDefault("1000")
    int claimBatchSize();

    /** A fire time later than this past its due time is a misfire (the schedule's misfirePolicy applies). */
    @WithDefault("PT60S")
    Duration misfireThreshold();

    /** Most fire times one backfill may emit. */
    @WithDefault("1000")
    int maxBackfill();

    /** Declarative YAML file of schedules, reconciled at start (empty = none). */
    Optional<String> schedulesFile();

    /** Most schedules one tenant may hold, all clusters together (the file's count; only API creates are refused). */
    @WithDefault("1000")
    int maxSchedulesPerTenant();
}
