package io.agenttriggers.common.quota;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The most resources of one kind a tenant may hold, checked inside the create's transaction so that no number of
 * parallel creates gets past it. Without such a bound one tenant's configuration could make the shared services scan
 * or hold unbounded data for every tenant.
 *
 * @param kind      the lock namespace, e.g. {@code webhook.endpoints}: creates of one kind and tenant are serialized
 * @param things    the kind in the plural, for the refusal ({@code webhook endpoints})
 * @param countSql  counts what the quota bounds, with the tenant as {@code $1} (a global quota's has no parameter)
 * @param limit     the most there may be (0: none may be created)
 * @param configKey the configuration key that sets the limit, named in the refusal
 */
public record TenantQuota(String kind, String things, String countSql, int limit, String configKey) {

    /**
     * Takes a transaction-scoped advisory lock for (kind, tenant), then fails with {@link TenantQuotaExceeded} when
     * the tenant is at the limit. Run it in the create's transaction before the insert: the lock is held until
     * commit, so the next create of the tenant counts this one. {@code tenantId} null = the global scope.
     */
    public Uni<Void> check(SqlClient tx, String tenantId) {
        // ':' for tenants and '/' for the global scope, so no tenant id shares the global scope's lock key.
        String key = tenantId == null ? kind + "/global" : kind + ":" + tenantId;
        return tx.preparedQuery("select pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of(key))
                .chain(() -> checkHeld(tx, tenantId));
    }

    /**
     * As {@link #check}, for a transaction that already holds a lock serializing these creates (e.g. a registry's
     * row lock): only counts. The lock must be taken by an earlier statement than the count.
     */
    public Uni<Void> checkHeld(SqlClient tx, String tenantId) {
        return tx.preparedQuery(countSql).execute(tenantId == null ? Tuple.tuple() : Tuple.of(tenantId))
                .map(rows -> rows.iterator().next().getLong(0))
                .invoke(count -> {
                    if (count >= limit) {
                        throw new TenantQuotaExceeded(things, tenantId, count, limit, configKey);
                    }
                })
                .replaceWithVoid();
    }
}
