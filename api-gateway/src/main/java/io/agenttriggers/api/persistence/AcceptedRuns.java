package io.agenttriggers.api.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** The runs this gateway accepted (table {@code api.accepted_runs}). */
@ApplicationScoped
public class AcceptedRuns {

    /** A run as the gateway knows it before the dispatcher does. */
    public record AcceptedRun(String runId, String tenantId, String triggerId, String eventName,
            OffsetDateTime acceptedAt) {
    }

    @Inject
    Pool pool;

    public Uni<Void> record(String runId, String tenantId, String triggerId, String eventName) {
        return pool.preparedQuery("insert into api.accepted_runs (run_id, tenant_id, trigger_id, event_name) "
                        + "values ($1, $2, $3, $4)")
                .execute(Tuple.of(UUID.fromString(runId), tenantId, triggerId, eventName))
                .replaceWithVoid();
    }

    /** Undoes {@link #record} when the event could not be made durable. */
    public Uni<Void> forget(String runId) {
        return pool.preparedQuery("delete from api.accepted_runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .replaceWithVoid();
    }

    public Uni<Optional<AcceptedRun>> find(String runId) {
        return pool.preparedQuery("select run_id, tenant_id, trigger_id, event_name, accepted_at "
                        + "from api.accepted_runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(AcceptedRuns::first);
    }

    private static Optional<AcceptedRun> first(RowSet<Row> rows) {
        for (Row r : rows) {
            return Optional.of(new AcceptedRun(r.getUUID("run_id").toString(), r.getString("tenant_id"),
                    r.getString("trigger_id"), r.getString("event_name"), r.getOffsetDateTime("accepted_at")));
        }
        return Optional.empty();
    }
}
