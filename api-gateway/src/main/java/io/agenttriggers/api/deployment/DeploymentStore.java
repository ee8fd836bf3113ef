package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Deployments and their versions (tables {@code api.deployments}, {@code api.deployment_versions}). A deployment's
 * {@code version} is the one its parts are brought to; writes that settle a reconciliation apply only while that
 * version is still the desired one, so a newer deploy always wins.
 */
@ApplicationScoped
public class DeploymentStore {

    private static final String COLUMNS = "tenant_id, workflow_id, version, active_version, state, parts::text as parts, "
            + "last_failure::text as last_failure, next_attempt_at, created_at, updated_at";

    /** How long one replica holds a workflow while it brings the parts to its version. */
    static final String LEASE = "interval '60 seconds'";

    @Inject
    Pool pool;

    @Inject
    io.agenttriggers.api.config.ApiGatewayConfig config;

    /** A deployment as stored. */
    public record Deployment(String tenantId, String workflowId, int version, Integer activeVersion, String state,
            ObjectNode parts, JsonNode lastFailure, OffsetDateTime nextAttemptAt, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }

    /** A stored version of a workflow's document. */
    public record Version(int version, JsonNode document, String outcome, OffsetDateTime createdAt) {
    }

    /** The caller's expected version is not the current one. */
    public static class VersionConflict extends RuntimeException {
        public final int current;

        VersionConflict(int current) {
            super(null, null, false, false);
            this.current = current;
        }
    }

    public Uni<Optional<Deployment>> find(String tenantId, String workflowId) {
        return pool.preparedQuery("select " + COLUMNS + " from api.deployments where tenant_id = $1 and workflow_id = $2")
                .execute(Tuple.of(tenantId, workflowId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Optional<Version>> version(String tenantId, String workflowId, int version) {
        return pool.preparedQuery("select version, document::text as document, outcome, created_at from "
                        + "api.deployment_versions where tenant_id = $1 and workflow_id = $2 and version = $3")
                .execute(Tuple.of(tenantId, workflowId, version))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(mapVersion(rows.iterator().next())));
    }

    /** Newest first, before the cursor's version when given. */
    public Uni<List<Version>> versions(String tenantId, String workflowId, Integer before, int limit) {
        Query q = Query.select("select version, document::text as document, outcome, created_at from "
                        + "api.deployment_versions")
                .eq("tenant_id", tenantId)
                .eq("workflow_id", workflowId)
                .page("version", before, limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<Version> out = new ArrayList<>();
            rows.forEach(r -> out.add(mapVersion(r)));
            return out;
        });
    }

    /**
     * Records a new version as the desired one and takes the lease on the workflow for the caller's replica (when it
     * is free). {@code expected}: the version the caller read ({@code 0}: the workflow must not exist yet), or null.
     * Answers the deployment and whether this replica holds the lease.
     */
    public Uni<Proposed> propose(String tenantId, String workflowId, JsonNode document, Integer expected) {
        return pool.withTransaction(tx -> tx.preparedQuery("select version, lease_until > now() as leased from "
                        + "api.deployments where tenant_id = $1 and workflow_id = $2 for update")
                .execute(Tuple.of(tenantId, workflowId))
                .chain(rows -> {
                    Row current = rows.size() == 0 ? null : rows.iterator().next();
                    int at = current == null ? 0 : current.getInteger("version");
                    if (expected != null && expected != at) {
                        return Uni.createFrom().failure(new VersionConflict(at));
                    }
                    boolean leased = current != null && Boolean.TRUE.equals(current.getBoolean("leased"));
                    Uni<Void> quota = current != null ? Uni.createFrom().voidItem()
                            : new TenantQuota("api.deployments", "deployed workflows",
                                    "select count(*) from api.deployments where tenant_id = $1",
                                    config.maxWorkflowsPerTenant(), "triggers.api-gateway.max-workflows-per-tenant")
                                    .check(tx, tenantId);
                    return quota.chain(() -> tx.preparedQuery("select coalesce(max(version), 0) + 1 as next "
                                    + "from api.deployment_versions where tenant_id = $1 and workflow_id = $2")
                            .execute(Tuple.of(tenantId, workflowId))
                            .map(r -> r.iterator().next().getInteger("next"))
                            .call(next -> tx.preparedQuery("insert into api.deployment_versions (tenant_id, "
                                            + "workflow_id, version, document) values ($1, $2, $3, cast(cast($4 as text) "
                                            + "as jsonb))")
                                    .execute(Tuple.of(tenantId, workflowId, next, document.toString())))
                            .call(next -> tx.preparedQuery("delete from api.deployment_versions v where tenant_id = $1 "
                                            + "and workflow_id = $2 and version <= $3 and version is distinct from ("
                                            + "select active_version from api.deployments d where d.tenant_id = $1 "
                                            + "and d.workflow_id = $2)")
                                    .execute(Tuple.of(tenantId, workflowId, next - config.maxVersionsPerWorkflow())))
                            .chain(next -> tx.preparedQuery("insert into api.deployments (tenant_id, workflow_id, "
                                            + "version, state, next_attempt_at, lease_until) values ($1, $2, $3, "
                                            + "'pending', now() + " + LEASE + ", now() + " + LEASE + ") "
                                            + "on conflict (tenant_id, workflow_id) do update set version = $3, "
                                            + "state = 'pending', next_attempt_at = now() + " + LEASE + ", "
                                            + "lease_until = case when $4 then api.deployments.lease_until "
                                            + "else now() + " + LEASE + " end, updated_at = now() returning " + COLUMNS)
                                    .execute(Tuple.of(tenantId, workflowId, next, leased)))
                            .map(r -> new Proposed(map(r.iterator().next()), !leased)));
                }));
    }

    /** A proposed version, and whether the proposing replica holds the lease and reconciles it now. */
    public record Proposed(Deployment deployment, boolean leaseHeld) {
    }

    /** Marks the workflow for removal (its parts are emptied, then the rows go); answers it, if it exists. */
    public Uni<Optional<Deployment>> markDeleting(String tenantId, String workflowId) {
        return pool.preparedQuery("update api.deployments set state = 'deleting', next_attempt_at = now(), "
                        + "lease_until = null, updated_at = now() where tenant_id = $1 and workflow_id = $2 returning "
                        + COLUMNS)
                .execute(Tuple.of(tenantId, workflowId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** Takes the lease on one workflow; empty when another replica holds it. */
    public Uni<Optional<Deployment>> lease(String tenantId, String workflowId) {
        return pool.preparedQuery("update api.deployments set lease_until = now() + " + LEASE + " where tenant_id = $1 "
                        + "and workflow_id = $2 and (lease_until is null or lease_until < now()) returning " + COLUMNS)
                .execute(Tuple.of(tenantId, workflowId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** Leases up to {@code limit} workflows whose parts are due to be brought to their version. */
    public Uni<List<Deployment>> leaseDue(int limit) {
        return pool.preparedQuery("with due as (select tenant_id, workflow_id from api.deployments where "
                        + "next_attempt_at <= now() and (lease_until is null or lease_until < now()) "
                        + "order by next_attempt_at limit $1 for update skip locked) "
                        + "update api.deployments set lease_until = now() + " + LEASE + " where (tenant_id, "
                        + "workflow_id) in (select tenant_id, workflow_id from due) returning " + COLUMNS)
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<Deployment> out = new ArrayList<>();
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /**
     * Settles a reconciliation of {@code version}, if it is still the desired one: the parts' conditions, and either
     * the version in force ({@code applied}) or the next attempt's time (a part still pending). Answers whether it
     * was still the desired version.
     */
    public Uni<Boolean> settle(String tenantId, String workflowId, int version, ObjectNode parts, boolean applied,
            OffsetDateTime nextAttempt) {
        return pool.withTransaction(tx -> tx.preparedQuery("update api.deployments set parts = cast(cast($4 as text) "
                                + "as jsonb), state = case when $5 then 'ready' else 'pending' end, active_version = "
                                + "case when $5 then $3 else active_version end, next_attempt_at = $6, lease_until = "
                                + "null, updated_at = now() where tenant_id = $1 and workflow_id = $2 and version = $3 "
                                + "and state <> 'deleting'")
                .execute(Tuple.tuple().addString(tenantId).addString(workflowId).addInteger(version)
                        .addString(parts.toString()).addBoolean(applied).addOffsetDateTime(nextAttempt))
                .chain(rows -> rows.rowCount() == 0 || !applied ? Uni.createFrom().item(rows.rowCount() > 0)
                        : outcome(tx, tenantId, workflowId, version, "applied").replaceWith(true)));
    }

    /** Replaces the named parts' entries (the lease holder's, before it sends them triggers). */
    public Uni<Void> mergeParts(String tenantId, String workflowId, ObjectNode entries) {
        return pool.preparedQuery("update api.deployments set parts = parts || cast(cast($3 as text) as jsonb) "
                        + "where tenant_id = $1 and workflow_id = $2")
                .execute(Tuple.of(tenantId, workflowId, entries.toString())).replaceWithVoid();
    }

    /**
     * A part refused {@code version}: it is recorded as refused and the desired version goes back to the one in force
     * (or to none), which the parts are brought back to. Answers the deployment as it is now.
     */
    public Uni<Optional<Deployment>> refuse(String tenantId, String workflowId, int version, JsonNode failure) {
        return pool.withTransaction(tx -> tx.preparedQuery("update api.deployments set version = "
                                + "coalesce(active_version, 0), last_failure = cast(cast($4 as text) as jsonb), "
                                + "state = 'pending', next_attempt_at = now(), updated_at = now() where tenant_id = $1 "
                                + "and workflow_id = $2 and version = $3 and state <> 'deleting' returning " + COLUMNS)
                .execute(Tuple.tuple().addString(tenantId).addString(workflowId).addInteger(version)
                        .addString(failure.toString()))
                .call(rows -> outcome(tx, tenantId, workflowId, version, "refused"))
                .map(rows -> rows.size() == 0 ? Optional.<Deployment>empty() : Optional.of(map(rows.iterator().next()))));
    }

    /** Frees the lease without settling (the reconciliation will be tried again at {@code nextAttempt}). */
    public Uni<Void> release(String tenantId, String workflowId, OffsetDateTime nextAttempt) {
        return pool.preparedQuery("update api.deployments set lease_until = null, next_attempt_at = $3 where "
                        + "tenant_id = $1 and workflow_id = $2")
                .execute(Tuple.tuple().addString(tenantId).addString(workflowId).addOffsetDateTime(nextAttempt))
                .replaceWithVoid();
    }

    /** Removes the workflow and its versions (once every part is empty). */
    public Uni<Void> remove(String tenantId, String workflowId) {
        return pool.withTransaction(tx -> tx.preparedQuery("delete from api.deployments where tenant_id = $1 and "
                        + "workflow_id = $2").execute(Tuple.of(tenantId, workflowId))
                .chain(() -> tx.preparedQuery("delete from api.deployment_versions where tenant_id = $1 and "
                        + "workflow_id = $2").execute(Tuple.of(tenantId, workflowId)))
                .replaceWithVoid());
    }

    /** How many deployments are in each state (pending, ready, deleting), within the tenants when restricted. */
    public Uni<Map<String, Long>> countByState(Optional<Set<String>> tenants) {
        String sql = "select state, count(*) as n from api.deployments"
                + (tenants.isPresent() ? " where tenant_id = any($1)" : "") + " group by state";
        Tuple args = tenants.map(t -> Tuple.of((Object) t.toArray(String[]::new))).orElse(Tuple.tuple());
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            Map<String, Long> out = new java.util.TreeMap<>(Map.of("pending", 0L, "ready", 0L, "deleting", 0L));
            rows.forEach(r -> out.put(r.getString("state"), r.getLong("n")));
            return out;
        });
    }

    /** Ordered by tenant and workflow id, after the cursor's {@code tenant/workflow} key when given. */
    public Uni<List<Deployment>> list(Optional<Set<String>> tenants, String tenantId, String state, String after,
            int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from api.deployments where true");
        Tuple args = Tuple.tuple();
        if (tenantId != null) {
            args.addString(tenantId);
            sql.append(" and tenant_id = $").append(args.size());
        }
        if (tenants.isPresent()) {
            args.addArrayOfString(tenants.get().toArray(String[]::new));
            sql.append(" and tenant_id = any($").append(args.size()).append(')');
        }
        if (state != null) {
            args.addString(state);
            sql.append(" and state = $").append(args.size());
        }
        if (after != null) {
            args.addString(after);
            sql.append(" and tenant_id || '/' || workflow_id > $").append(args.size());
        }
        args.addInteger(limit);
        sql.append(" order by tenant_id || '/' || workflow_id limit $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
            List<Deployment> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    private static Uni<Void> outcome(SqlClient tx, String tenantId, String workflowId, int version, String outcome) {
        return tx.preparedQuery("update api.deployment_versions set outcome = $4 where tenant_id = $1 and "
                        + "workflow_id = $2 and version = $3")
                .execute(Tuple.of(tenantId, workflowId, version, outcome)).replaceWithVoid();
    }

    private static Deployment map(Row r) {
        String failure = r.getString("last_failure");
        return new Deployment(r.getString("tenant_id"), r.getString("workflow_id"), r.getInteger("version"),
                r.getInteger("active_version"), r.getString("state"),
                (ObjectNode) EventJson.read(r.getString("parts"), JsonNode.class),
                failure == null ? null : EventJson.read(failure, JsonNode.class), r.getOffsetDateTime("next_attempt_at"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    private static Version mapVersion(Row r) {
        return new Version(r.getInteger("version"), EventJson.read(r.getString("document"), JsonNode.class),
                r.getString("outcome"), r.getOffsetDateTime("created_at"));
    }
}
