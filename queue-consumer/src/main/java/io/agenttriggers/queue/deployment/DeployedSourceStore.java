package io.agenttriggers.queue.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The sources of workflow deployments (table {@code queue.deployed_sources}). Every write bumps
 * {@code queue.source_generation} in its transaction and stamps the row with the new generation, so replicas see a
 * change by reading one number, and know which sources to restart by their revision.
 */
@ApplicationScoped
public class DeployedSourceStore {

    private static final String COLUMNS = "tenant_id, workflow_id, name, spec::text as spec, revision, created_at, "
            + "updated_at";
    private static final String BUMP = "update queue.source_generation set generation = generation + 1 where id = 1 "
            + "returning generation";

    @Inject
    Pool pool;

    /** A deployed source as stored: the trigger's spec (with credential references, never values). */
    public record Stored(String tenantId, String workflowId, String name, ObjectNode spec, long revision,
            OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        /** The source's name on every replica: {@code tenant:workflow:trigger} (no id has a ':'). */
        public String sourceName() {
            return tenantId + ":" + workflowId + ":" + name;
        }
    }

    public Uni<List<Stored>> ownedBy(String tenantId, String workflowId) {
        return pool.preparedQuery("select " + COLUMNS + " from queue.deployed_sources where tenant_id = $1 and "
                + "workflow_id = $2 order by name").execute(Tuple.of(tenantId, workflowId)).map(DeployedSourceStore::rows);
    }

    /** How many deployed sources the tenant has in workflows other than this one. */
    public Uni<Integer> countElsewhere(String tenantId, String workflowId) {
        return pool.preparedQuery("select count(*)::int from queue.deployed_sources where tenant_id = $1 and "
                + "workflow_id <> $2").execute(Tuple.of(tenantId, workflowId))
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    /** Every deployed source, for the replicas' sync. */
    public Uni<List<Stored>> all() {
        return pool.query("select " + COLUMNS + " from queue.deployed_sources order by tenant_id, workflow_id, name")
                .execute().map(DeployedSourceStore::rows);
    }

    public Uni<Long> generation() {
        return pool.query("select generation from queue.source_generation where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Stored> upsert(String tenantId, String workflowId, String name, ObjectNode spec) {
        return pool.withTransaction(tx -> bump(tx).chain(generation -> tx.preparedQuery("insert into queue.deployed_sources "
                + "(tenant_id, workflow_id, name, spec, revision) values ($1, $2, $3, $4::text::jsonb, $5) "
                + "on conflict (tenant_id, workflow_id, name) do update set spec = excluded.spec, "
                + "revision = excluded.revision, updated_at = now() returning " + COLUMNS)
                .execute(Tuple.of(tenantId, workflowId, name, spec.toString(), generation))
                .map(rows -> rows(rows).get(0))));
    }

    public Uni<Void> delete(String tenantId, String workflowId, String name) {
        return pool.withTransaction(tx -> bump(tx).chain(() -> tx.preparedQuery("delete from queue.deployed_sources where "
                + "tenant_id = $1 and workflow_id = $2 and name = $3").execute(Tuple.of(tenantId, workflowId, name))))
                .replaceWithVoid();
    }

    private static Uni<Long> bump(SqlClient tx) {
        return tx.query(BUMP).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    private static List<Stored> rows(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Stored> out = new ArrayList<>();
        for (Row r : rows) {
            ObjectNode spec;
            try {
                spec = (ObjectNode) EventJson.MAPPER.readTree(r.getString("spec"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(new Stored(r.getString("tenant_id"), r.getString("workflow_id"), r.getString("name"), spec,
                    r.getLong("revision"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
        }
        return out;
    }
}
