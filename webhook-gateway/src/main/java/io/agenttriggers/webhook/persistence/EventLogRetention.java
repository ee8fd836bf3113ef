package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.retention.PartitionRetention;
import io.agenttriggers.common.retention.RetainedTables;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** The event log's retention ({@code triggers.webhook-gateway.event-retention}), by day partitions. */
@ApplicationScoped
public class EventLogRetention extends RetainedTables {

    @Inject
    WebhookGatewayConfig config;

    @Override
    protected Duration retention() {
        return config.eventRetention();
    }

    @Override
    protected List<PartitionRetention.Table> tables() {
        return List.of(new PartitionRetention.Table("webhook", "events", "id"));
    }
}
