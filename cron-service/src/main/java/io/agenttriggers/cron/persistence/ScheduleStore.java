package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionConflict;
import io.agenttriggers.common.versioned.VersionedStore;
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

/**
 * Schedules, their versions and their firing state (table {@code cron.schedules}). Registrations are written by the
 * shared {@link VersionedStore}, each a new version with its snapshot; the firing state (claims, advances, pauses,
 * the last fire) and every read stay hand-written SQL, since the firer reads them on its hot path.
 */
@ApplicationScoped
public class ScheduleStore extends VersionedStore<ScheduleSpec, ScheduleRow, ScheduleVersionRow> {

    static final String COLUMNS = "id, version, managed_by, config::text as config, paused, pause_note, next_fire_at, "
            + "due_at, last_fire_at, last_run_id, last_run_status, buffered_fire_at, created_at, updated_at";

    @Inject
    Pool pool;

    @Inject
    io.agenttriggers.cron.config.CronServiceConfig config;

    public ScheduleStore() {
        // Schedules have no unique names: many may emit the same event.
        super(ScheduleSpec.class, ScheduleRow.class, ScheduleRow::new, ScheduleVersionRow.class,
                ScheduleVersionRow::new, Set.of());
    }

    /** A stored schedule with its firing state. */
    public record Stored(String id, ScheduleSpec spec, int version, String managedBy, boolean paused, String pauseNote,
            OffsetDateTime nextFireAt, OffsetDateTime dueAt, OffsetDateTime lastFireAt, String lastRunId,
            String lastRunStatus, OffsetDateTime bufferedFireAt, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        /** {@code paused}, {@code disabled}, {@code finished} (no fire time left) or {@code active}. */
        public String state() {
            return paused ? "paused" : !spec.isEnabled() ? "disabled" : nextFireAt == null ? "finished" : "active";
        }
    }

    @Override
    protected void apply(ScheduleRow row, ScheduleSpec spec) {
        row.setTenantId(spec.tenantId());
        row.setName(spec.eventName());
        row.setEnabled(spec.isEnabled());
    }

    /**
     * The tenant's schedule quota (every cluster's schedules of the tenant count), for creates through the API; the
     * declarative file's schedules are the operator's and are not refused.
     */
    @Override
    protected TenantQuota quota(ScheduleRow row) {
        return new TenantQuota("cron.schedules", "schedules",
                "select count(*) from cron.schedules where tenant_id = $1", config.maxSchedulesPerTenant(),
                "triggers.cron-service.max-schedules-per-tenant");
    }

    public Uni<Stored> create(ScheduleSpec spec, String managedBy, Instant next, Instant due) {
        return create(UUID.fromString(RunIds.next()), spec, managedBy, next, due);
    }

    /** With a chosen id (the jitter depends on it, so the caller computes the due time with the same id). */
    public Uni<Stored> create(UUID id, ScheduleSpec spec, String managedBy, Instant next, Instant due) {
        return create(spec, managedBy, row -> {
            row.setId(id);
            row.setCluster(config.cluster());
            row.setNextFireAt(odt(next));
            row.setDueAt(spec.isEnabled() ? odt(due) : null);
        }).chain(row -> find(pool, id.toString())).map(Optional::orElseThrow);
    }

    /**
     * Replaces the registration and the next fire time as a new version (the firing history stays);
     * {@code expectedVersion} (If-Match) refuses lost updates with {@link VersionConflict}. {@code change} names the
     * version in the history ({@code updated}, {@code rolled_back_to_3}).
     */
    public Uni<Optional<Stored>> update(String id, ScheduleSpec spec, Integer expectedVersion, Instant next,
            Instant due, String change) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return edit(uuid, expectedVersion, row -> {
            apply(row, spec);
            row.setConfig(EventJson.write(spec));
            row.setNextFireAt(odt(next));
            row.setDueAt(spec.isEnabled() && !row.isPaused() ? odt(due) : null);
        }, change)
                .chain(row -> find(pool, id))
                .onFailure(java.util.NoSuchElementException.class).recoverWithItem(Optional.empty());
    }

    public Uni<Optional<Stored>> update(String id, ScheduleSpec spec, Integer expectedVersion, Instant next,
            Instant due) {
        return update(id, spec, expectedVersion, next, due, "updated");
    }

    /** Newest first, older than {@code before} when given. */
    public Uni<List<Version<ScheduleSpec>>> versions(String id, Integer before, int limit) {
        return versions(UUID.fromString(id), before, limit);
    }

    public Uni<Optional<Version<ScheduleSpec>>> version(String id, int version) {
        return version(UUID.fromString(id), version);
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
        return uuid == null ? Uni.createFrom().item(false) : delete(uuid);
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
