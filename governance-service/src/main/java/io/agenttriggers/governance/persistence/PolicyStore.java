package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Policies and their versions (schema {@code governance}). Every write bumps the policy epoch in the same
 * transaction, which is how every replica learns that its cached policy set is stale.
 */
@ApplicationScoped
public class PolicyStore {

    private static final String COLUMNS = "id, version, managed_by, config::text as config, created_at, updated_at";

    @Inject
    Pool pool;

    @Inject
    GovernanceConfig governance;

    /** Thrown when the name is taken within the tenant (or among global policies). */
    public static class NameTaken extends RuntimeException {
        public NameTaken() {
            super(null, null, false, false);
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

    /** One snapshot of a policy's configuration. */
    public record Version(int version, PolicySpec config, String change, OffsetDateTime changedAt) {
    }

    public Uni<Policy> create(PolicySpec spec, String managedBy) {
        UUID id = UUID.fromString(RunIds.next());
        String config = json(spec);
        return pool.withTransaction(tx -> quota(tx, spec.tenantId(), managedBy)
                        .chain(() -> tx.preparedQuery("insert into governance.policies (id, tenant_id, name, "
                                + "enabled, priority, version, managed_by, config) values ($1, $2, $3, $4, $5, 1, $6, "
                                + "cast(cast($7 as text) as jsonb)) on conflict do nothing")
                        .execute(Tuple.tuple().addUUID(id).addString(spec.tenantId()).addString(spec.name())
                                .addBoolean(spec.isEnabled()).addInteger(spec.priority()).addString(managedBy)
                                .addString(config)))
                        .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().failure(new NameTaken())
                                : version(tx, id, 1, config, "created"))
                        .chain(() -> bump(tx))
                        .chain(() -> find(tx, id.toString())))
                .map(Optional::orElseThrow);
    }

    /**
     * Every policy is scanned for every event, so their number is bounded: per tenant, and for global policies (no
     * tenant, created by unscoped admins only) as a whole. For creates through the API; the declarative file's
     * policies are the operator's and are not refused (they count all the same).
     */
    private Uni<Void> quota(SqlClient tx, String tenantId, String managedBy) {
        if ("file".equals(managedBy)) {
            return Uni.createFrom().voidItem();
        }
        TenantQuota quota = tenantId == null
                ? new TenantQuota("governance.policies", "policies",
                        "select count(*) from governance.policies where tenant_id is null",
                        governance.maxGlobalPolicies(), "triggers.governance.max-global-policies")
                : new TenantQuota("governance.policies", "policies",
                        "select count(*) from governance.policies where tenant_id = $1",
                        governance.maxPoliciesPerTenant(), "triggers.governance.max-policies-per-tenant");
        return quota.check(tx, tenantId);
    }

    /**
     * Replaces the configuration as a new version; {@code expectedVersion} (from If-Match) refuses lost updates.
     */
    public Uni<Policy> update(String id, PolicySpec spec, Integer expectedVersion, String change) {
        UUID uuid = UUID.fromString(id);
        String config = json(spec);
        return pool.withTransaction(tx -> tx.preparedQuery("select version from governance.policies where id = $1 "
                                + "for update").execute(Tuple.of(uuid))
                        .map(rows -> rows.iterator().next().getInteger("version"))
                        .chain(current -> {
                            if (expectedVersion != null && expectedVersion != current.intValue()) {
                                return Uni.createFrom().failure(new VersionConflict(current));
                            }
                            int next = current + 1;
                            return tx.preparedQuery("update governance.policies set name = $2, enabled = $3, "
                                            + "priority = $4, config = cast(cast($5 as text) as jsonb), version = $6, "
                                            + "updated_at = now() where id = $1")
                                    .execute(Tuple.tuple().addUUID(uuid).addString(spec.name())
                                            .addBoolean(spec.isEnabled()).addInteger(spec.priority())
                                            .addString(config).addInteger(next))
                                    .onFailure(e -> String.valueOf(e.getMessage()).contains("policies_tenant_name"))
                                    .transform(e -> new NameTaken())
                                    .chain(() -> version(tx, uuid, next, config, change));
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
        return pool.withTransaction(tx -> tx.preparedQuery("delete from governance.policies where id = $1")
                .execute(Tuple.of(uuid))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : bump(tx).replaceWith(true)));
    }

    public Uni<Optional<Policy>> find(String id) {
        return find(pool, id);
    }

    private Uni<Optional<Policy>> find(SqlClient client, String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("select " + COLUMNS + " from governance.policies where id = $1")
                .execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /**
     * Newest first. {@code tenants}: the caller's restriction; global policies are listed only to callers who see
     * every tenant (their match lists may name other tenants).
     */
    public Uni<List<Policy>> list(Optional<Set<String>> tenants, String tenantId, Boolean enabled, String afterId,
            int limit) {
        Tuple args = Tuple.tuple();
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from governance.policies where true");
        if (tenantId != null) {
            args.addString(tenantId);
            sql.append(" and tenant_id = $").append(args.size());
        }
        if (enabled != null) {
            args.addBoolean(enabled);
            sql.append(" and enabled = $").append(args.size());
        }
        if (tenants.isPresent()) {
            args.addArrayOfString(tenants.get().toArray(String[]::new));
            sql.append(" and tenant_id = any($").append(args.size()).append(')');
        }
        if (afterId != null) {
            args.addUUID(UUID.fromString(afterId));
            sql.append(" and id < $").append(args.size());
        }
        args.addInteger(limit);
        sql.append(" order by id desc limit $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(args).map(PolicyStore::all);
    }

    /** Every policy, for the evaluation cache. */
    public Uni<List<Policy>> all() {
        return pool.preparedQuery("select " + COLUMNS + " from governance.policies").execute().map(PolicyStore::all);
    }

    /** Every policy the declarative file manages. */
    public Uni<List<Policy>> fileManaged() {
        return pool.preparedQuery("select " + COLUMNS + " from governance.policies where managed_by = 'file'")
                .execute().map(PolicyStore::all);
    }

    public Uni<Optional<Policy>> findByName(String tenantId, String name) {
        return pool.preparedQuery("select " + COLUMNS + " from governance.policies "
                        + "where coalesce(tenant_id, '') = $1 and name = $2")
                .execute(Tuple.of(tenantId == null ? "" : tenantId, name))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** The change counter of the policy set. */
    public Uni<Long> epoch() {
        return pool.preparedQuery("select epoch from governance.policy_epoch where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("epoch"));
    }

    public Uni<List<Version>> versions(String id, Integer beforeVersion, int limit) {
        Tuple args = Tuple.tuple().addUUID(UUID.fromString(id));
        String sql = "select version, config::text as config, change, changed_at from governance.policy_versions "
                + "where policy_id = $1";
        if (beforeVersion != null) {
            args.addInteger(beforeVersion);
            sql += " and version < $2";
        }
        args.addInteger(limit);
        sql += " order by version desc limit $" + args.size();
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<Version> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Version(r.getInteger("version"), spec(r.getString("config")),
                    r.getString("change"), r.getOffsetDateTime("changed_at"))));
            return out;
        });
    }

    public Uni<Optional<Version>> version(String id, int version) {
        return pool.preparedQuery("select version, config::text as config, change, changed_at "
                        + "from governance.policy_versions where policy_id = $1 and version = $2")
                .execute(Tuple.of(UUID.fromString(id), version))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new Version(r.getInteger("version"), spec(r.getString("config")),
                            r.getString("change"), r.getOffsetDateTime("changed_at")));
                });
    }

    private static Uni<Void> version(SqlClient tx, UUID id, int version, String config, String change) {
        return tx.preparedQuery("insert into governance.policy_versions (policy_id, version, config, change) "
                        + "values ($1, $2, cast(cast($3 as text) as jsonb), $4)")
                .execute(Tuple.of(id, version, config, change))
                .replaceWithVoid();
    }

    private static Uni<Void> bump(SqlClient tx) {
        return tx.query("update governance.policy_epoch set epoch = epoch + 1 where id = 1").execute()
                .replaceWithVoid();
    }

    private static List<Policy> all(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Policy> out = new ArrayList<>();
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    private static Policy map(Row r) {
        return new Policy(r.getUUID("id").toString(), r.getInteger("version"), r.getString("managed_by"),
                spec(r.getString("config")), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    static PolicySpec spec(String json) {
        try {
            return EventJson.MAPPER.readValue(json, PolicySpec.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable policy configuration", e);
        }
    }

    static String json(PolicySpec spec) {
        try {
            return EventJson.MAPPER.writeValueAsString(spec);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
