package io.agenttriggers.common.retention;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * A service's partitioned tables and their retention, kept by a {@link PartitionRetention} from start to shutdown
 * (a pass at start, then every {@link PartitionRetention#EVERY}). A service declares one {@code @ApplicationScoped}
 * subclass naming its tables and the configured retention.
 */
public abstract class RetainedTables {

    @Inject
    protected Pool pool;

    @Inject
    protected MeterRegistry registry;

    @Inject
    protected Vertx vertx;

    private PartitionRetention retention;

    /** How long the tables keep rows (whole days, at least one). */
    protected abstract Duration retention();

    protected abstract List<PartitionRetention.Table> tables();

    void start(@Observes StartupEvent ignored) {
        retention = new PartitionRetention(pool, registry, retention(), tables());
        retention.start(vertx, PartitionRetention.EVERY);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (retention != null) {
            retention.stop(vertx);
        }
    }

    /** The running retention, for a test that runs a pass at a time of its choosing. */
    public PartitionRetention keeper() {
        return retention;
    }
}
