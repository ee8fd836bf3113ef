package io.agenttriggers.dispatcher.persistence;

import io.agenttriggers.common.retention.PartitionRetention;
import io.agenttriggers.common.retention.RetainedTables;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** The ledger's retention ({@code triggers.dispatcher.run-retention}): runs and their attempts, by day partitions. */
@ApplicationScoped
public class LedgerRetention extends RetainedTables {

    @Inject
    DispatcherConfig config;

    @Override
    protected Duration retention() {
        return config.runRetention();
    }

    @Override
    protected List<PartitionRetention.Table> tables() {
        return List.of(new PartitionRetention.Table("dispatch", "runs", "run_id"),
                new PartitionRetention.Table("dispatch", "attempts", "run_id"));
    }
}
