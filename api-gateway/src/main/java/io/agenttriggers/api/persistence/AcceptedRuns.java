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
            OffsetDateTime acceptedAt, boolean publicResult) {
    }

    @Inject
    Pool pool;

    /** {@code publicResult}: the trigger needs no credentials, so the run id alone reads the result. */
    public Uni<Void> record(String runId, String tenantId, String triggerId, String eventName, boolean publicResult) {
        return pool.preparedQuery("insert into api.accepted_runs (run_id, tenant_id, trigger_id, event_name, "
                        + "public_result) values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(UUID.fromString(runId), tenantId, triggerId, eventName, publicResult))
                .replaceWithVoid();
    }

    /** Undoes {@link #record} when the event could not be made durable. */
    public Uni<Void> forget(String runId) {
        return pool.preparedQuery("delete from api.accepted_runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .replaceWithVoid();
    }

    /** Deletes what is older than the cutoff (the ledger has those runs by then); returns how many. */
    public Uni<Optional<AcceptedRun>> find(String runId) {
        return pool.preparedQuery("select run_id, tenant_id, trigger_id, event_name, accepted_at, public_result "
                        + "from api.accepted_runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(AcceptedRuns::first);
    }

    private static Optional<AcceptedRun> first(RowSet<Row> rows) {
        for (Row r : rows) {
            return Optional.of(new AcceptedRun(r.getUUID("run_id").toString(), r.getString("tenant_id"),
                    r.getString("trigger_id"), r.getString("event_name"), r.getOffsetDateTime("accepted_at"),
                    r.getBoolean("public_result")));
        }
        return Optional.empty();
    }
}
