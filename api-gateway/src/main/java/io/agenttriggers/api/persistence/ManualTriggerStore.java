package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ManualTriggerSpec;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
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
import java.util.Set;
import java.util.UUID;

/** Manual triggers (table {@code api.manual_triggers}), one per tenant and event name. */
@ApplicationScoped
public class ManualTriggerStore {

    private static final String COLUMNS = "id, version, managed_by, config::text as config, created_at, updated_at";

    /** A stored manual trigger. */
    public record Stored(String id, ManualTriggerSpec spec, int version, String managedBy, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }

    @Inject
    Pool pool;

    @Inject
    ApiGatewayConfig gateway;

    /**
     * Empty when the tenant already has a manual trigger with that event name; fails with
     * {@link io.agenttriggers.common.quota.TenantQuotaExceeded} when it has as many as it may.
     */
    public Uni<Optional<Stored>> create(ManualTriggerSpec spec) {
        return create(spec, io.agenttriggers.common.declarative.Ownership.API);
    }

    /** As {@link #create(ManualTriggerSpec)}, held by {@code managedBy} ({@code api} or {@code deployment}). */
    public Uni<Optional<Stored>> create(ManualTriggerSpec spec, String managedBy) {
        TenantQuota quota = new TenantQuota("api.manual_triggers", "manual triggers",
                "select count(*) from api.manual_triggers where tenant_id = $1", gateway.maxManualTriggersPerTenant(),
                "triggers.api-gateway.max-manual-triggers-per-tenant");
        return pool.withTransaction(tx -> quota.check(tx, spec.tenantId())
                .chain(() -> tx.preparedQuery("insert into api.manual_triggers (id, tenant_id, event_name, version, "
                                + "config, managed_by) values ($1, $2, $3, 1, cast(cast($4 as text) as jsonb), $5) "
                                + "on conflict (tenant_id, event_name) do nothing returning " + COLUMNS)
                        .execute(Tuple.of(UUID.fromString(RunIds.next()), spec.tenantId(), spec.eventName(),
                                EventJson.write(spec), managedBy))))
                .map(ManualTriggerStore::first);
    }

    /** Empty when there is no such trigger. Tenant and event name cannot change. */
    public Uni<Optional<Stored>> update(String id, ManualTriggerSpec spec) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("update api.manual_triggers set config = cast(cast($2 as text) as jsonb), "
                        + "version = version + 1, updated_at = now() where id = $1 returning " + COLUMNS)
                .execute(Tuple.of(uuid, EventJson.write(spec)))
                .map(ManualTriggerStore::first);
    }

    public Uni<Boolean> delete(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("delete from api.manual_triggers where id = $1").execute(Tuple.of(uuid))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Optional<Stored>> find(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("select " + COLUMNS + " from api.manual_triggers where id = $1")
                .execute(Tuple.of(uuid))
                .map(ManualTriggerStore::first);
    }

    /** The manual triggers with this event name among the tenants (empty tenants = every tenant), at most 10. */
    public Uni<List<Stored>> byEventName(String eventName, Optional<Set<String>> tenants, String tenantId) {
        Query q = Query.select("select " + COLUMNS + " from api.manual_triggers")
                .eq("event_name", eventName)
                .eq("tenant_id", tenantId)
                .in("tenant_id", tenants)
                .page("id", null, 10);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(ManualTriggerStore::all);
    }

    /** The manual triggers a workflow's deployment holds. */
    public Uni<List<Stored>> ownedBy(String tenantId, String workflowId) {
        return pool.preparedQuery("select " + COLUMNS + " from api.manual_triggers where managed_by = 'deployment' "
                        + "and tenant_id = $1 and config->>'workflowId' = $2 order by id")
                .execute(Tuple.of(tenantId, workflowId))
                .map(ManualTriggerStore::all);
    }

    public Uni<List<Stored>> list(Optional<Set<String>> tenants, String tenantId, String afterId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from api.manual_triggers")
                .eq("tenant_id", tenantId)
                .in("tenant_id", tenants)
                .page("id", afterId == null ? null : UUID.fromString(afterId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(ManualTriggerStore::all);
    }

    private static Optional<Stored> first(Iterable<Row> rows) {
        return all(rows).stream().findFirst();
    }

    private static List<Stored> all(Iterable<Row> rows) {
        List<Stored> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Stored(r.getUUID("id").toString(), EventJson.read(r.getString("config"), ManualTriggerSpec.class), r.getInteger("version"),
                    r.getString("managed_by"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
        }
        return out;
    }


}
