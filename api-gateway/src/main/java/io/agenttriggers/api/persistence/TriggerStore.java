package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.domain.PathTemplate;
import io.agenttriggers.api.domain.RouteClaim;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
import io.smallrye.mutiny.Uni;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionConflict;
import io.agenttriggers.common.versioned.VersionedStore;
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
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Registered API triggers (table {@code api.triggers}) and their versions, on the shared {@link VersionedStore}.
 * Every write takes the lock of {@code api.registry}, checks that no other enabled trigger serves the same method
 * and path shape, and bumps the registry's revision, which every replica polls to reload its routes; the route table
 * itself is read with hand-written SQL.
 */
@ApplicationScoped
public class TriggerStore extends VersionedStore<ApiTriggerSpec, TriggerRow, TriggerVersionRow> {

    private static final String COLUMNS = "id, tenant_id, version, managed_by, config::text as config, created_at, "
            + "updated_at";

    @Inject
    Pool pool;

    @Inject
    ApiGatewayConfig gateway;

    public TriggerStore() {
        // The unique indexes of migration V6: (tenant, name) outside deployments, (tenant, workflow, name) inside.
        super(ApiTriggerSpec.class, TriggerRow.class, TriggerRow::new, TriggerVersionRow.class,
                TriggerVersionRow::new, Set.of("triggers_tenant_id_name_key", "triggers_workflow_name"));
    }

    /** A stored trigger. */
    public record Stored(String id, ApiTriggerSpec spec, int version, String managedBy, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }

    /**
     * Thrown when another enabled trigger (or configured route) claims requests this one would serve; see
     * {@link RouteClaim#conflictsWith}. {@code sameTenant} says whether the caller may be told {@code otherId}.
     */
    public static class RouteTaken extends RuntimeException {
        public final String otherId;
        public final boolean sameTenant;

        public RouteTaken(String otherId, boolean sameTenant) {
            super(null, null, false, false);
            this.otherId = otherId;
            this.sameTenant = sameTenant;
        }
    }

    @Override
    protected void apply(TriggerRow row, ApiTriggerSpec spec) {
        row.setTenantId(spec.tenantId());
        row.setName(spec.nameOrDefault());
        row.setMethod(spec.methodOrDefault());
        row.setPath(spec.path());
        row.setEnabled(spec.isEnabled());
    }

    /**
     * The tenant's trigger quota, for creates through the API (the declarative file's triggers count but are never
     * refused).
     */
    @Override
    protected TenantQuota quota(TriggerRow row) {
        return new TenantQuota("api.triggers", "API triggers",
                "select count(*) from api.triggers where tenant_id = $1", gateway.maxApiTriggersPerTenant(),
                "triggers.api-gateway.max-api-triggers-per-tenant");
    }

    /**
     * Under the registry lock: fails with {@link RouteTaken} when an enabled trigger's claim conflicts with this one
     * (an overlap across tenants, the same shape within one).
     */
    @Override
    protected Uni<Void> beforeWrite(Mutiny.Session session, TriggerRow row) {
        Uni<Void> lock = session.createNativeQuery("select revision from api.registry where id = 1 for update",
                Long.class).getSingleResult().replaceWithVoid();
        if (!row.isEnabled()) {
            return lock;
        }
        RouteClaim mine = new RouteClaim(row.getTenantId(), row.getMethod(), PathTemplate.parse(row.getPath()));
        return lock.chain(() -> session.createSelectionQuery("select id, tenantId, method, path from TriggerRow "
                                + "where enabled and id <> ?1 and method = ?2", Object[].class)
                        .setParameter(1, row.getId())
                        .setParameter(2, row.getMethod())
                        .getResultList())
                .chain(others -> {
                    for (Object[] other : others) {
                        RouteClaim theirs = new RouteClaim((String) other[1], (String) other[2],
                                PathTemplate.parse((String) other[3]));
                        if (mine.conflictsWith(theirs)) {
                            return Uni.createFrom().failure(new RouteTaken(other[0].toString(),
                                    mine.sameTenant(theirs)));
                        }
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    @Override
    protected Uni<Void> afterWrite(Mutiny.Session session) {
        return session.createNativeQuery("update api.registry set revision = revision + 1 where id = 1")
                .executeUpdate().replaceWithVoid();
    }

    /**
     * Creates a trigger. {@code staticRoutes} maps a {@code METHOD path} to the id of a route declared in
     * configuration that it conflicts with (or null): registrations cannot take those either. Fails with
     * {@link NameTaken}, {@link RouteTaken} or {@link io.agenttriggers.common.quota.TenantQuotaExceeded}.
     */
    public Uni<Stored> create(ApiTriggerSpec spec, String managedBy, Function<String, String> staticRoutes) {
        return freeOfStatic(spec, staticRoutes)
                .chain(() -> create(spec, managedBy, (Consumer<TriggerRow>) null))
                .map(TriggerStore::stored);
    }

    /**
     * Replaces a trigger's registration as a new version; {@code expectedVersion} (If-Match) guards against lost
     * updates ({@link VersionConflict}).
     */
    public Uni<Stored> update(String id, ApiTriggerSpec spec, Integer expectedVersion,
            Function<String, String> staticRoutes) {
        return freeOfStatic(spec, staticRoutes)
                .chain(() -> update(UUID.fromString(id), spec, expectedVersion, "updated"))
                .map(TriggerStore::stored);
    }

    /**
     * Writes version {@code version}'s registration as a new version, under the same route checks as any update;
     * empty when there is no such version.
     */
    public Uni<Optional<Stored>> rollback(String id, int version, Function<String, String> staticRoutes) {
        UUID uuid = UUID.fromString(id);
        return version(uuid, version).chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<Stored>empty())
                : freeOfStatic(found.get().config(), staticRoutes)
                        .chain(() -> update(uuid, found.get().config(), null, "rolled_back_to_" + version))
                        .map(row -> Optional.of(stored(row))));
    }

    public Uni<Boolean> delete(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        return uuid == null ? Uni.createFrom().item(false) : delete(uuid);
    }

    /** Newest first, older than {@code before} when given. */
    public Uni<List<Version<ApiTriggerSpec>>> versions(String id, Integer before, int limit) {
        return versions(UUID.fromString(id), before, limit);
    }

    /** The registry's revision: it moves with every write. */
    public Uni<Long> revision() {
        return pool.query("select revision from api.registry where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("revision"));
    }

    /** Every enabled trigger, for the route table. */
    public Uni<List<Stored>> enabled() {
        return pool.query("select " + COLUMNS + " from api.triggers where enabled").execute().map(TriggerStore::all);
    }

    /** The triggers a workflow's deployment holds, by name. */
    public Uni<List<Stored>> ownedBy(String tenantId, String workflowId) {
        return pool.preparedQuery("select " + COLUMNS + " from api.triggers where managed_by = 'deployment' "
                        + "and tenant_id = $1 and config->>'workflowId' = $2 order by name")
                .execute(Tuple.of(tenantId, workflowId)).map(TriggerStore::all);
    }

    /** Every trigger the declarative file manages. */
    public Uni<List<Stored>> fileManaged() {
        return pool.query("select " + COLUMNS + " from api.triggers where managed_by = 'file'").execute()
                .map(TriggerStore::all);
    }

    public Uni<Optional<Stored>> find(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        return uuid == null ? Uni.createFrom().item(Optional.empty())
                : find(uuid).map(found -> found.map(TriggerStore::stored));
    }

    /** The trigger of the REST API or the file with that name (a deployment's names are its workflow's). */
    public Uni<Optional<Stored>> findByName(String tenantId, String name) {
        return pool.preparedQuery("select " + COLUMNS + " from api.triggers where tenant_id = $1 and name = $2 "
                        + "and managed_by <> 'deployment'")
                .execute(Tuple.of(tenantId, name))
                .map(rows -> all(rows).stream().findFirst());
    }

    public Uni<List<Stored>> list(Optional<Set<String>> tenants, String tenantId, String eventName, Boolean enabled,
            String workflowId, String afterId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from api.triggers")
                .eq("tenant_id", tenantId)
                .eq("config->>'workflowId'", workflowId)
                .in("tenant_id", tenants)
                .eq("config->>'eventName'", eventName)
                .eq("enabled", enabled)
                .page("id", afterId == null ? null : UUID.fromString(afterId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(TriggerStore::all);
    }

    /**
     * Configured routes belong to the operator and never change at run time: {@code staticRoutes} answers, for
     * {@code METHOD path}, the id of one this trigger conflicts with. Their ids are not for tenants.
     */
    private static Uni<Void> freeOfStatic(ApiTriggerSpec spec, Function<String, String> staticRoutes) {
        if (!spec.isEnabled()) {
            return Uni.createFrom().voidItem();
        }
        RouteClaim mine = RouteClaim.of(spec);
        String staticOwner = staticRoutes.apply(mine.method() + " " + mine.template().text());
        return staticOwner == null ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new RouteTaken(staticOwner, false));
    }

    private static Stored stored(TriggerRow row) {
        return new Stored(row.getId().toString(), EventJson.read(row.getConfig(), ApiTriggerSpec.class),
                row.getVersion(), row.getManagedBy(), row.getCreatedAt(), row.getUpdatedAt());
    }

    private static List<Stored> all(Iterable<Row> rows) {
        List<Stored> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Stored(r.getUUID("id").toString(), EventJson.read(r.getString("config"), ApiTriggerSpec.class), r.getInteger("version"),
                    r.getString("managed_by"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
        }
        return out;
    }
}
