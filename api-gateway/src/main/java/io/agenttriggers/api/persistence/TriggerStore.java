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
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Registered API triggers (table {@code api.triggers}). Every write takes the lock of {@code api.registry}, checks
 * that no other enabled trigger serves the same method and path shape, and bumps the registry's revision, which
 * every replica polls to reload its routes.
 */
@ApplicationScoped
public class TriggerStore {

    private static final String COLUMNS = "id, tenant_id, version, managed_by, config::text as config, created_at, "
            + "updated_at";

    @Inject
    Pool pool;

    @Inject
    ApiGatewayConfig gateway;

    /** A stored trigger. */
    public record Stored(String id, ApiTriggerSpec spec, int version, String managedBy, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }

    /** Thrown when (tenant, name) is taken. */
    public static class NameTaken extends RuntimeException {
        public NameTaken() {
            super(null, null, false, false);
        }
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

    /** Thrown when the caller's expected version is not the current one. */
    public static class VersionConflict extends RuntimeException {
        public final int current;

        public VersionConflict(int current) {
            super(null, null, false, false);
            this.current = current;
        }
    }

    /**
     * Creates a trigger. {@code staticRoutes} maps a {@code METHOD path} to the id of a route declared in
     * configuration that it conflicts with (or null): registrations cannot take those either.
     */
    public Uni<Stored> create(ApiTriggerSpec spec, String managedBy, Function<String, String> staticRoutes) {
        UUID id = UUID.fromString(RunIds.next());
        String config = EventJson.write(spec);
        return pool.withTransaction(tx -> lockAndCheck(tx, id, spec, staticRoutes)
                .chain(() -> quota(tx, spec.tenantId(), managedBy))
                .chain(() -> tx.preparedQuery("insert into api.triggers (id, tenant_id, name, method, path, enabled, "
                                + "version, managed_by, config) values ($1, $2, $3, $4, $5, $6, 1, $7, "
                                + "cast(cast($8 as text) as jsonb)) on conflict do nothing")
                        .execute(Tuple.tuple().addUUID(id).addString(spec.tenantId()).addString(spec.nameOrDefault())
                                .addString(spec.methodOrDefault()).addString(spec.path())
                                .addBoolean(spec.isEnabled()).addString(managedBy).addString(config)))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().failure(new NameTaken()) : bump(tx))
                .chain(() -> find(tx, id.toString())))
                .map(Optional::orElseThrow);
    }

    /**
     * The tenant's trigger quota, for creates through the API (the declarative file's triggers count but are never
     * refused). The registry lock, held since {@link #lockAndCheck}, already serializes creates.
     */
    private Uni<Void> quota(SqlClient tx, String tenantId, String managedBy) {
        if ("file".equals(managedBy)) {
            return Uni.createFrom().voidItem();
        }
        return new TenantQuota("api.triggers", "API triggers",
                "select count(*) from api.triggers where tenant_id = $1", gateway.maxApiTriggersPerTenant(),
                "triggers.api-gateway.max-api-triggers-per-tenant").checkHeld(tx, tenantId);
    }

    /** Replaces a trigger's registration; {@code expectedVersion} (If-Match) guards against lost updates. */
    public Uni<Stored> update(String id, ApiTriggerSpec spec, Integer expectedVersion,
            Function<String, String> staticRoutes) {
        UUID uuid = UUID.fromString(id);
        String config = EventJson.write(spec);
        return pool.withTransaction(tx -> lockAndCheck(tx, uuid, spec, staticRoutes)
                .chain(() -> tx.preparedQuery("select version from api.triggers where id = $1").execute(Tuple.of(uuid)))
                .chain(rows -> {
                    int current = rows.iterator().next().getInteger("version");
                    if (expectedVersion != null && expectedVersion != current) {
                        return Uni.createFrom().failure(new VersionConflict(current));
                    }
                    return tx.preparedQuery("update api.triggers set name = $2, method = $3, path = $4, enabled = $5, "
                                    + "config = cast(cast($6 as text) as jsonb), version = version + 1, updated_at = now() "
                                    + "where id = $1")
                            .execute(Tuple.tuple().addUUID(uuid).addString(spec.nameOrDefault())
                                    .addString(spec.methodOrDefault()).addString(spec.path())
                                    .addBoolean(spec.isEnabled()).addString(config))
                            .onFailure(e -> e.getMessage() != null && (e.getMessage().contains("triggers_tenant_id_name_key")
                                    || e.getMessage().contains("triggers_workflow_name")))
                            .transform(e -> new NameTaken());
                })
                .chain(() -> bump(tx))
                .chain(() -> find(tx, id)))
                .map(Optional::orElseThrow);
    }

    public Uni<Boolean> delete(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(false);
        }
        return pool.withTransaction(tx -> lock(tx)
                .chain(() -> tx.preparedQuery("delete from api.triggers where id = $1").execute(Tuple.of(uuid)))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false) : bump(tx).replaceWith(true)));
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
        return find(pool, id);
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

    private Uni<Optional<Stored>> find(SqlClient client, String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("select " + COLUMNS + " from api.triggers where id = $1")
                .execute(Tuple.of(uuid))
                .map(rows -> all(rows).stream().findFirst());
    }

    private static Uni<Void> lock(SqlClient tx) {
        return tx.query("select revision from api.registry where id = 1 for update").execute().replaceWithVoid();
    }

    private static Uni<Void> bump(SqlClient tx) {
        return tx.query("update api.registry set revision = revision + 1 where id = 1").execute().replaceWithVoid();
    }

    /**
     * Under the registry lock: fails with {@link RouteTaken} when an enabled trigger's claim conflicts with this one
     * (an overlap across tenants, the same shape within one). {@code staticRoutes} answers, for
     * {@code METHOD path}, the id of a configured route it conflicts with; those never change at run time.
     */
    private static Uni<Void> lockAndCheck(SqlClient tx, UUID self, ApiTriggerSpec spec,
            Function<String, String> staticRoutes) {
        if (!spec.isEnabled()) {
            return lock(tx);
        }
        RouteClaim mine = RouteClaim.of(spec);
        String staticOwner = staticRoutes.apply(mine.method() + " " + mine.template().text());
        if (staticOwner != null) {
            // Configured routes belong to the operator: their ids are not for tenants.
            return Uni.createFrom().failure(new RouteTaken(staticOwner, false));
        }
        return lock(tx)
                .chain(() -> tx.preparedQuery("select id, tenant_id, method, path from api.triggers where enabled "
                        + "and id <> $1 and method = $2").execute(Tuple.of(self, spec.methodOrDefault())))
                .chain(rows -> {
                    for (Row r : rows) {
                        RouteClaim theirs = new RouteClaim(r.getString("tenant_id"), r.getString("method"),
                                PathTemplate.parse(r.getString("path")));
                        if (mine.conflictsWith(theirs)) {
                            return Uni.createFrom().failure(new RouteTaken(r.getUUID("id").toString(),
                                    mine.sameTenant(theirs)));
                        }
                    }
                    return Uni.createFrom().voidItem();
                });
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
