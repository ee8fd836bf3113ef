package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionedStore;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Policies and their versions (schema {@code governance}), on the shared {@link VersionedStore}. Every write bumps the
 * policy epoch in the same transaction, which is how every replica learns that its cached policy set is stale; the
 * cache reads every policy with one hand-written query.
 */
@ApplicationScoped
public class PolicyStore extends VersionedStore<PolicySpec, PolicyRow, PolicyVersionRow> {

    private static final String COLUMNS = "id, version, managed_by, config::text as config, created_at, updated_at";

    @Inject
    Pool pool;

    @Inject
    GovernanceConfig governance;

    public PolicyStore() {
        // The unique index on (tenant, name) of migration V2.
        super(PolicySpec.class, PolicyRow.class, PolicyRow::new, PolicyVersionRow.class, PolicyVersionRow::new,
                Set.of("policies_tenant_name"));
    }

    @Override
    protected void apply(PolicyRow row, PolicySpec spec) {
        row.setTenantId(spec.tenantId());
        row.setName(spec.name());
        row.setEnabled(spec.isEnabled());
        row.setPriority(spec.priority());
    }

    /**
     * Every policy is scanned for every event, so their number is bounded: per tenant, and for global policies (no
     * tenant, created by unscoped admins only) as a whole.
     */
    @Override
    protected TenantQuota quota(PolicyRow row) {
        return row.getTenantId() == null
                ? new TenantQuota("governance.policies", "policies",
                        "select count(*) from governance.policies where tenant_id is null",
                        governance.maxGlobalPolicies(), "triggers.governance.max-global-policies")
                : new TenantQuota("governance.policies", "policies",
                        "select count(*) from governance.policies where tenant_id = $1",
                        governance.maxPoliciesPerTenant(), "triggers.governance.max-policies-per-tenant");
    }

    @Override
    protected Uni<Void> afterWrite(Mutiny.Session session) {
        return session.createNativeQuery("update governance.policy_epoch set epoch = epoch + 1 where id = 1")
                .executeUpdate().replaceWithVoid();
    }

    public Uni<Policy> create(PolicySpec spec, String managedBy) {
        return create(spec, managedBy, null).map(PolicyStore::policy);
    }

    /** Replaces the configuration as a new version; {@code expectedVersion} (from If-Match) refuses lost updates. */
    public Uni<Policy> update(String id, PolicySpec spec, Integer expectedVersion, String change) {
        return update(UUID.fromString(id), spec, expectedVersion, change).map(PolicyStore::policy);
    }

    /** Writes an earlier version's configuration as a new version; empty when there is no such version. */
    public Uni<Optional<Policy>> rollback(String id, int version) {
        return rollback(UUID.fromString(id), version).map(found -> found.map(PolicyStore::policy));
    }

    public Uni<Boolean> delete(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        return uuid == null ? Uni.createFrom().item(false) : delete(uuid);
    }

    public Uni<Optional<Policy>> find(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        return uuid == null ? Uni.createFrom().item(Optional.empty())
                : find(uuid).map(found -> found.map(PolicyStore::policy));
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
        return where("managedBy = 'file'").map(PolicyStore::policies);
    }

    public Uni<Optional<Policy>> findByName(String tenantId, String name) {
        return where("coalesce(tenantId, '') = ?1 and name = ?2", tenantId == null ? "" : tenantId, name)
                .map(rows -> rows.stream().findFirst().map(PolicyStore::policy));
    }

    /** The change counter of the policy set. */
    public Uni<Long> epoch() {
        return pool.preparedQuery("select epoch from governance.policy_epoch where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("epoch"));
    }

    public Uni<List<Version<PolicySpec>>> versions(String id, Integer beforeVersion, int limit) {
        return versions(UUID.fromString(id), beforeVersion, limit);
    }

    private static List<Policy> all(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Policy> out = new ArrayList<>();
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    private static Policy map(Row r) {
        return new Policy(r.getUUID("id").toString(), r.getInteger("version"), r.getString("managed_by"),
                EventJson.read(r.getString("config"), PolicySpec.class), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    private static List<Policy> policies(List<PolicyRow> rows) {
        return rows.stream().map(PolicyStore::policy).toList();
    }

    private static Policy policy(PolicyRow row) {
        return new Policy(row.getId().toString(), row.getVersion(), row.getManagedBy(),
                EventJson.read(row.getConfig(), PolicySpec.class), row.getCreatedAt(), row.getUpdatedAt());
    }
}
