package io.agenttriggers.governance.persistence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.testing.RetentionChecks;
import io.agenttriggers.governance.domain.Verdict;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decisions are kept by day partitions: made ahead at start, today's decision in today's partition. */
@QuarkusTest
class DecisionRetentionTest {

    @Inject
    DecisionLog decisions;

    @Inject
    DecisionRetention retention;

    @Inject
    Pool pool;

    @Test
    void decisionsAreWrittenIntoDayPartitionsMadeAhead() {
        TriggerEvent event = TriggerEvent.builder(TriggerType.QUEUE, "/queue/orders", "order.created",
                        "retention-" + System.nanoTime())
                .data(new TriggerData(JsonNodeFactory.instance.objectNode(), Map.of(), null)).build();
        decisions.record(event, Verdict.approve("default", "default", 0, null, false), 10).await()
                .atMost(Duration.ofSeconds(60));

        RetentionChecks.partitionedAhead(pool, retention.keeper(), "governance.decisions", "run_id", event.id());
    }
}
