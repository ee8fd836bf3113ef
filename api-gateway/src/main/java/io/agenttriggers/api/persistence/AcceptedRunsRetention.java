package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.common.retention.PartitionRetention;
import io.agenttriggers.common.retention.RetainedTables;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** The accepted-run records' retention ({@code triggers.api-gateway.accepted-run-retention}), by day partitions. */
@ApplicationScoped
public class AcceptedRunsRetention extends RetainedTables {

    @Inject
    ApiGatewayConfig config;

    @Override
    protected Duration retention() {
        return config.acceptedRunRetention();
    }

    @Override
    protected List<PartitionRetention.Table> tables() {
        return List.of(new PartitionRetention.Table("api", "accepted_runs", "run_id"));
    }
}
