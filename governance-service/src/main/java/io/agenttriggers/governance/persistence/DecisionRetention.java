package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.retention.PartitionRetention;
import io.agenttriggers.common.retention.RetainedTables;
import io.agenttriggers.governance.config.GovernanceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** The decisions' retention ({@code triggers.governance.decision-retention}), by day partitions. */
@ApplicationScoped
public class DecisionRetention extends RetainedTables {

    @Inject
    GovernanceConfig config;

    @Override
    protected Duration retention() {
        return config.decisionRetention();
    }

    @Override
    protected List<PartitionRetention.Table> tables() {
        return List.of(new PartitionRetention.Table("governance", "decisions", "run_id"));
    }
}
