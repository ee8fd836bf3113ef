package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.testing.RetentionChecks;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event log is kept by day partitions: made ahead at start, today's request in today's partition. */
@QuarkusTest
class EventLogRetentionTest {

    @Inject
    EventLog eventLog;

    @Inject
    EventLogRetention retention;

    @Inject
    Pool pool;

    @Test
    void requestsAreWrittenIntoDayPartitionsMadeAhead() {
        LoggedRequest r = new LoggedRequest();
        r.id = io.agenttriggers.common.event.RunIds.next();
        r.endpointId = java.util.UUID.randomUUID().toString();
        r.tenantId = "retention";
        r.receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
        r.method = "POST";
        r.headers = Map.of();
        r.body(new byte[] {1, 2, 3}, 10);
        r.statusCode = 202;
        r.outcome = "accepted";
        eventLog.write(r).await().atMost(Duration.ofSeconds(60));

        RetentionChecks.partitionedAhead(pool, retention.keeper(), "webhook.events", "id", r.id);
    }
}
