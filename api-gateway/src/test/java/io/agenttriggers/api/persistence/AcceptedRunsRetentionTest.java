package io.agenttriggers.api.persistence;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.testing.RetentionChecks;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Accepted-run records are kept by day partitions: made ahead at start, today's record in today's partition. */
@QuarkusTest
class AcceptedRunsRetentionTest {

    @Inject
    AcceptedRuns acceptedRuns;

    @Inject
    AcceptedRunsRetention retention;

    @Inject
    Pool pool;

    @Test
    void recordsAreWrittenIntoDayPartitionsMadeAhead() {
        String runId = RunIds.next();
        acceptedRuns.record(runId, "retention", "trigger-1", "order.created", false).await()
                .atMost(Duration.ofSeconds(60));

        RetentionChecks.partitionedAhead(pool, retention.keeper(), "api.accepted_runs", "run_id", runId);
    }
}
