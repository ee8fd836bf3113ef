package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.run.RejectionReason;
import io.agenttriggers.governance.domain.Verdict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The audit of every decision (table {@code governance.decisions}). */
@ApplicationScoped
public class DecisionLog {

    /** A recorded decision. */
    public record DecisionRecord(String runId, String tenantId, String eventName, String triggerType, String source,
            String verdict, String reason, String policy, String detail, OffsetDateTime decidedAt) {

        public Verdict toVerdict() {
            return "approved".equals(verdict) ? Verdict.approve(policy)
                    : Verdict.reject(RejectionReason.fromWire(reason), policy, detail);
        }
    }

    private static final String COLUMNS =
            "run_id, tenant_id, event_name, trigger_type, source, verdict, reason, policy, detail, decided_at";

    @Inject
    Pool pool;

    /**
     * Records the verdict unless the event was decided before (a redelivery); answers the decision that stands.
     */
    public Uni<DecisionRecord> record(TriggerEvent event, Verdict verdict) {
        UUID runId = UUID.fromString(event.id());
        Tuple values = Tuple.tuple()
                .addUUID(runId)
                .addString(event.tenantId())
                .addString(event.eventName())
                .addString(event.type().wire())
                .addString(event.source())
                .addString(verdict.approved() ? "approved" : "rejected")
                .addString(verdict.reason() == null ? null : verdict.reason().wire())
                .addString(verdict.policy())
                .addString(verdict.detail());
        return pool.preparedQuery("insert into governance.decisions (run_id, tenant_id, event_name, trigger_type, "
                        + "source, verdict, reason, policy, detail) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                        + "on conflict (run_id) do nothing returning " + COLUMNS)
                .execute(values)
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().item(map(rows.iterator().next()))
                        : find(event.id()).map(Optional::orElseThrow));
    }

    public Uni<Optional<DecisionRecord>> find(String runId) {
        return pool.preparedQuery("select " + COLUMNS + " from governance.decisions where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** Newest first, after the cursor (a run id) when given. */
    public Uni<List<DecisionRecord>> list(Optional<java.util.Set<String>> tenants, String tenantId, String verdict,
            String afterRunId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from governance.decisions")
                .eq("tenant_id", tenantId)
                .in("tenant_id", tenants)
                .eq("verdict", verdict)
                .page("run_id", afterRunId == null ? null : UUID.fromString(afterRunId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<DecisionRecord> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    private static DecisionRecord map(Row r) {
        return new DecisionRecord(r.getUUID("run_id").toString(), r.getString("tenant_id"), r.getString("event_name"),
                r.getString("trigger_type"), r.getString("source"), r.getString("verdict"), r.getString("reason"),
                r.getString("policy"), r.getString("detail"), r.getOffsetDateTime("decided_at"));
    }
}
