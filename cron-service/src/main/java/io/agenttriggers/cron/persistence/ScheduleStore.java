package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Schedules and their firing state (table {@code cron.schedules}). */
@ApplicationScoped
public class ScheduleStore {

    static final String COLUMNS = "id, version, managed_by, config::text as config, paused, pause_note, next_fire_at, "
            + "due_at, last_fire_at, last_run_id, last_run_status, buffered_fire_at, created_at, updated_at";

    @Inject
    Pool pool;

    @Inject
    io.agenttriggers.cron.config.CronServiceConfig config;

    /** A stored schedule with its firing state. */
    public record Stored(String id, ScheduleSpec spec, int version, String managedBy, boolean paused, String pauseNote,
            OffsetDateTime nextFireAt, OffsetDateTime dueAt, OffsetDateTime lastFireAt, String lastRunId,
            String lastRunStatus, OffsetDateTime bufferedFireAt, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        /** {@code paused}, {@code disabled}, {@code finished} (no fire time left) or {@code active}. */
        public String state() {
            return paused ? "paused" : !spec.isEnabled() ? "disabled" : nextFireAt == null ? "finished" : "active";
        }
    }

    /** Thrown when the caller's expected version is not the current one. */
    public static class VersionConflict extends RuntimeException {
        public final int current;

        public VersionConflict(int current) {
            super(null, null, false, false);
            this.current = current;
        }
    }

    public Uni<Stored> create(ScheduleSpec spec, String managedBy, Instant next, Instant due) {
        UUID id = UUID.fromString(RunIds.next());
        return create(id, spec, managedBy, next, due);
    }

    /** With a chosen id (the jitter depends on it, so the caller computes the due time with the same id). */
    public Uni<Stored> create(UUID id, ScheduleSpec spec, String managedBy, Instant next, Instant due) {
        return pool.withTransaction(tx -> quota(tx, spec.tenantId(), managedBy)
                .chain(() -> tx.preparedQuery("insert into cron.schedules (id, tenant_id, event_name, version, "
                                + "managed_by, config, enabled, next_fire_at, due_at, cluster) values ($1, $2, $3, 1, $4, "
                                + "cast(cast($5 as text) as jsonb), $6, $7, $8, $9) returning " + COLUMNS)
                        .execute(Tuple.tuple().addUUID(id).addString(spec.tenantId()).addString(spec.eventName())
                                .addString(managedBy).addString(EventJson.write(spec)).addBoolean(spec.isEnabled())
                                .addOffsetDateTime(odt(next)).addOffsetDateTime(spec.isEnabled() ? odt(due) : null)
                                .addString(config.cluster()))))
                .map(rows -> map(rows.iterator().next()));
    }

    /**
     * The tenant's schedule quota (every cluster's schedules of the tenant count), for creates through the API; the
     * declarative file's schedules are the operator's and are not refused.
     */
    private Uni<Void> quota(SqlClient tx, String tenantId, String managedBy) {
        if ("file".equals(managedBy)) {
            return Uni.createFrom().voidItem();
        }
        return new TenantQuota("cron.schedules", "schedules",
                "select count(*) from cron.schedules where tenant_id = $1", config.maxSchedulesPerTenant(),
                "triggers.cron-service.max-schedules-per-tenant").check(tx, tenantId);
    }

    /** Replaces the registration and the next fire time (the firing history stays). */
    public Uni<Optional<Stored>> update(String id, ScheduleSpec spec, Integer expectedVersion, Instant next,
            Instant due) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.withTransaction(tx -> tx.preparedQuery("select version, paused from cron.schedules where id = $1 "
                        + "for update").execute(Tuple.of(uuid))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<Stored>empty());
                    }
                    Row r = rows.iterator().next();
                    int current = r.getInteger("version");
                    if (expectedVersion != null && expectedVersion != current) {
                        return Uni.createFrom().failure(new VersionConflict(current));
                    }
                    boolean active = spec.isEnabled() && !r.getBoolean("paused");
                    return tx.preparedQuery("update cron.schedules set config = cast(cast($2 as text) as jsonb), "
                                    + "event_name = $3, enabled = $4, next_fire_at = $5, due_at = $6, version = version + 1, "
                                    + "updated_at = now() where id = $1 returning " + COLUMNS)
                            .execute(Tuple.tuple().addUUID(uuid).addString(EventJson.write(spec)).addString(spec.eventName())
                                    .addBoolean(spec.isEnabled()).addOffsetDateTime(odt(next))
                                    .addOffsetDateTime(active ? odt(due) : null))
                            .map(updated -> Optional.of(map(updated.iterator().next())));
                }));
    }

    /** Pauses (no due time) or resumes (from the given next fire time). */
    public Uni<Optional<Stored>> setPaused(String id, boolean paused, String note, Instant next, Instant due) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        String sql = paused
                ? "update cron.schedules set paused = true, pause_note = $2, due_at = null, updated_at = now() "
                        + "where id = $1 returning " + COLUMNS
                : "update cron.schedules set paused = false, pause_note = null, next_fire_at = $3, "
                        + "due_at = case when enabled then $4 else null end, updated_at = now() where id = $1 returning "
                        + COLUMNS;
        Tuple args = paused ? Tuple.of(uuid, note) : Tuple.tuple().addUUID(uuid).addString(null)
                .addOffsetDateTime(odt(next)).addOffsetDateTime(odt(due));
        return pool.preparedQuery(sql).execute(args).map(ScheduleStore::first);
    }

    public Uni<Boolean> delete(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("delete from cron.schedules where id = $1").execute(Tuple.of(uuid))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Optional<Stored>> find(String id) {
        return find(pool, id);
    }

    Uni<Optional<Stored>> find(SqlClient client, String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("select " + COLUMNS + " from cron.schedules where id = $1").execute(Tuple.of(uuid))
                .map(ScheduleStore::first);
    }

    public Uni<List<Stored>> list(Optional<Set<String>> tenants, String tenantId, String eventName, Boolean enabled,
            Boolean paused, String afterId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from cron.schedules")
                .eq("tenant_id", tenantId)
                .in("tenant_id", tenants)
                .eq("event_name", eventName)
                .eq("enabled", enabled)
                .eq("paused", paused)
                .page("id", afterId == null ? null : UUID.fromString(afterId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(ScheduleStore::all);
    }

    public Uni<List<Stored>> fileManaged() {
        return pool.preparedQuery("select " + COLUMNS + " from cron.schedules where managed_by = 'file' and cluster = $1")
                .execute(Tuple.of(config.cluster()))
                .map(ScheduleStore::all);
    }

    /** The schedules a workflow's deployment holds in this cluster. */
    public Uni<List<Stored>> ownedBy(String tenantId, String workflowId) {
        return pool.preparedQuery("select " + COLUMNS + " from cron.schedules where managed_by = 'deployment' "
                        + "and tenant_id = $1 and config->>'workflowId' = $2 and cluster = $3 order by id")
                .execute(Tuple.of(tenantId, workflowId, config.cluster()))
                .map(ScheduleStore::all);
    }

    /** Records a run's terminal status; a buffered fire becomes due at once. */
    public Uni<Void> runFinished(String runId, String status) {
        return pool.preparedQuery("update cron.schedules set last_run_status = $2, due_at = case when "
                        + "buffered_fire_at is not null and not paused and enabled then least(coalesce(due_at, now()), now()) "
                        + "else due_at end where last_run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId), status))
                .replaceWithVoid();
    }

    /** Counts for the gauges: active (due time set) and paused. */
    public Uni<long[]> counts() {
        return pool.preparedQuery("select count(*) filter (where due_at is not null) as active, "
                        + "count(*) filter (where paused) as paused from cron.schedules where cluster = $1")
                .execute(Tuple.of(config.cluster()))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new long[] { r.getLong("active"), r.getLong("paused") };
                });
    }

    static Optional<Stored> first(Iterable<Row> rows) {
        for (Row r : rows) {
            return Optional.of(map(r));
        }
        return Optional.empty();
    }

    static List<Stored> all(Iterable<Row> rows) {
        List<Stored> out = new ArrayList<>();
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    static Stored map(Row r) {
        UUID lastRun = r.getUUID("last_run_id");
        return new Stored(r.getUUID("id").toString(), EventJson.read(r.getString("config"), ScheduleSpec.class), r.getInteger("version"),
                r.getString("managed_by"), r.getBoolean("paused"), r.getString("pause_note"),
                r.getOffsetDateTime("next_fire_at"), r.getOffsetDateTime("due_at"), r.getOffsetDateTime("last_fire_at"),
                lastRun == null ? null : lastRun.toString(), r.getString("last_run_status"),
                r.getOffsetDateTime("buffered_fire_at"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }



    static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

}
