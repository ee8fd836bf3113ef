package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.agenttriggers.webhook.domain.SecretBox;
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

/** Endpoints and their versions (schema {@code webhook}); secrets go in and out through the {@link SecretBox}. */
@ApplicationScoped
public class EndpointStore {

    private static final String COLUMNS = "id, tenant_id, version, managed_by, config::text as config, secret, "
            + "previous_secret, previous_secret_expires_at, created_at, updated_at";

    @Inject
    Pool pool;

    @Inject
    Secrets secrets;

    @Inject
    WebhookGatewayConfig gateway;

    /** Thrown when (tenant, name) is taken. */
    public static class NameTaken extends RuntimeException {
        public NameTaken() {
            super(null, null, false, false);
        }
    }

    public Uni<Endpoint> create(EndpointSpec spec, String secret, String managedBy) {
        UUID id = UUID.fromString(io.agenttriggers.common.event.RunIds.next());
        String config = json(spec);
        byte[] sealed = secret == null ? null : secrets.box().seal(secret);
        return pool.withTransaction(tx -> quota(tx, spec.tenantId(), managedBy)
                        .chain(() -> tx.preparedQuery("insert into webhook.endpoints (id, tenant_id, name, "
                                + "event_name, enabled, version, managed_by, config, secret) values ($1, $2, $3, $4, $5, 1, $6, "
                                + "cast(cast($7 as text) as jsonb), $8) on conflict do nothing")
                        .execute(Tuple.tuple().addUUID(id).addString(spec.tenantId()).addString(spec.name())
                                .addString(spec.eventName()).addBoolean(spec.isEnabled()).addString(managedBy)
                                .addString(config).addValue(sealed == null ? null
                                        : io.vertx.core.buffer.Buffer.buffer(sealed))))
                        .chain(rows -> {
                            if (rows.rowCount() == 0) {
                                return Uni.createFrom().failure(new NameTaken());
                            }
                            return version(tx, id, 1, config, "created");
                        })
                        .chain(() -> find(tx, id.toString())))
                .map(Optional::orElseThrow);
    }

    /**
     * The tenant's endpoint quota, for creates through the API; the declarative file's endpoints are the operator's
     * and are not refused (they count towards the tenant's total all the same).
     */
    private Uni<Void> quota(SqlClient tx, String tenantId, String managedBy) {
        if ("file".equals(managedBy)) {
            return Uni.createFrom().voidItem();
        }
        return new TenantQuota("webhook.endpoints", "webhook endpoints",
                "select count(*) from webhook.endpoints where tenant_id = $1", gateway.maxEndpointsPerTenant(),
                "triggers.webhook-gateway.max-endpoints-per-tenant").check(tx, tenantId);
    }

    private static Uni<Void> version(SqlClient tx, UUID id, int version, String config, String change) {
        return tx.preparedQuery("insert into webhook.endpoint_versions (endpoint_id, version, config, change) "
                        + "values ($1, $2, cast(cast($3 as text) as jsonb), $4)")
                .execute(Tuple.of(id, version, config, change))
                .replaceWithVoid();
    }

    /** Thrown when the caller's expected version is not the current one. */
    public static class VersionConflict extends RuntimeException {
        public final int current;

        public VersionConflict(int current) {
            super(null, null, false, false);
            this.current = current;
        }
    }

    /** One snapshot of an endpoint's configuration. */
    public record Version(int version, EndpointSpec config, String change, OffsetDateTime changedAt) {
    }

    /**
     * Replaces the configuration; a new version. {@code expectedVersion} (from If-Match) guards against lost
     * updates when given.
     */
    public Uni<Endpoint> update(String id, EndpointSpec spec, Integer expectedVersion, String change) {
        UUID uuid = UUID.fromString(id);
        String config = json(spec);
        return pool.withTransaction(tx -> lockVersion(tx, uuid)
                .chain(current -> {
                    if (expectedVersion != null && expectedVersion.intValue() != current) {
                        return Uni.createFrom().failure(new VersionConflict(current));
                    }
                    int next = current + 1;
                    return tx.preparedQuery("update webhook.endpoints set name = $2, event_name = $3, enabled = $4, "
                                    + "config = cast(cast($5 as text) as jsonb), version = $6, updated_at = now() where id = $1")
                            .execute(Tuple.tuple().addUUID(uuid).addString(spec.name()).addString(spec.eventName())
                                    .addBoolean(spec.isEnabled()).addString(config).addInteger(next))
                            .onFailure(e -> e.getMessage() != null && (e.getMessage().contains("endpoints_tenant_id_name_key")
                                    || e.getMessage().contains("endpoints_workflow_name")))
                            .transform(e -> new NameTaken())
                            .chain(() -> version(tx, uuid, next, config, change));
                })
                .chain(() -> find(tx, id)))
                .map(Optional::orElseThrow);
    }

    /** Makes {@code secret} current; the previous one keeps verifying until {@code previousExpiresAt}. */
    public Uni<Endpoint> rotate(String id, String secret, OffsetDateTime previousExpiresAt) {
        UUID uuid = UUID.fromString(id);
        byte[] sealed = secrets.box().seal(secret);
        return pool.withTransaction(tx -> lockVersion(tx, uuid)
                .chain(current -> tx.preparedQuery("update webhook.endpoints set previous_secret = secret, "
                                + "previous_secret_expires_at = $2, secret = $3, version = $4, updated_at = now() "
                                + "where id = $1 returning config::text as config")
                        .execute(Tuple.tuple().addUUID(uuid).addOffsetDateTime(previousExpiresAt)
                                .addValue(io.vertx.core.buffer.Buffer.buffer(sealed)).addInteger(current + 1))
                        .chain(rows -> version(tx, uuid, current + 1, rows.iterator().next().getString("config"),
                                "secret_rotated")))
                .chain(() -> find(tx, id)))
                .map(Optional::orElseThrow);
    }

    public Uni<List<Version>> versions(String id, Integer beforeVersion, int limit) {
        Tuple args = Tuple.tuple().addUUID(UUID.fromString(id));
        String sql = "select version, config::text as config, change, changed_at from webhook.endpoint_versions "
                + "where endpoint_id = $1";
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
                        + "from webhook.endpoint_versions where endpoint_id = $1 and version = $2")
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

    private static Uni<Integer> lockVersion(SqlClient tx, UUID id) {
        return tx.preparedQuery("select version from webhook.endpoints where id = $1 for update")
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().next().getInteger("version"));
    }

    public Uni<Optional<Endpoint>> find(String id) {
        return find(pool, id);
    }

    private Uni<Optional<Endpoint>> find(SqlClient client, String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return client.preparedQuery("select " + COLUMNS + " from webhook.endpoints where id = $1")
                .execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<List<Endpoint>> list(Optional<Set<String>> tenants, String tenantId, String eventName, Boolean enabled,
            String workflowId, String afterId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from webhook.endpoints")
                .eq("tenant_id", tenantId)
                .eq("config->>'workflowId'", workflowId)
                .in("tenant_id", tenants)
                .eq("event_name", eventName)
                .eq("enabled", enabled)
                .page("id", afterId == null ? null : UUID.fromString(afterId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<Endpoint> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    /** The endpoint of the REST API or the file with that name (a deployment's names are its workflow's). */
    public Uni<Optional<Endpoint>> findByName(String tenantId, String name) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook.endpoints where tenant_id = $1 and name = $2 "
                        + "and managed_by <> 'deployment'")
                .execute(Tuple.of(tenantId, name))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** The endpoints a workflow's deployment holds, by name. */
    public Uni<List<Endpoint>> ownedBy(String tenantId, String workflowId) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook.endpoints where managed_by = 'deployment' "
                        + "and tenant_id = $1 and config->>'workflowId' = $2 order by name")
                .execute(Tuple.of(tenantId, workflowId))
                .map(rows -> {
                    List<Endpoint> out = new ArrayList<>();
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /**
     * The id of a deployed workflow's webhook trigger for its public URL: the one named, or the workflow's only one
     * when {@code name} is null. Empty when there is none; {@code AMBIGUOUS} when there are several and none is named.
     */
    public Uni<Optional<String>> workflowEndpoint(String tenantId, String workflowId, String name) {
        String sql = "select id from webhook.endpoints where managed_by = 'deployment' and tenant_id = $1 "
                + "and config->>'workflowId' = $2" + (name == null ? " limit 2" : " and name = $3");
        Tuple args = name == null ? Tuple.of(tenantId, workflowId) : Tuple.of(tenantId, workflowId, name);
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            return Optional.of(rows.size() > 1 ? AMBIGUOUS : rows.iterator().next().getUUID("id").toString());
        });
    }

    /**
     * A tenant's enabled {@code github-app} endpoints, oldest first, at most {@code limit}: where one GitHub App
     * delivery fans out to. The tenant comes from the operator's installation list, never from the sender.
     */
    public Uni<List<Endpoint>> githubAppEndpoints(String tenantId, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook.endpoints where tenant_id = $1 and enabled "
                        + "and config->'auth'->>'type' = 'github-app' order by created_at, id limit $2")
                .execute(Tuple.of(tenantId, limit))
                .map(rows -> {
                    List<Endpoint> out = new ArrayList<>();
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /** What {@link #workflowEndpoint} answers for a workflow with several webhook triggers and none named. */
    public static final String AMBIGUOUS = "ambiguous";

    /** Every endpoint the declarative file manages. */
    public Uni<List<Endpoint>> fileManaged() {
        return pool.preparedQuery("select " + COLUMNS + " from webhook.endpoints where managed_by = 'file'")
                .execute()
                .map(rows -> {
                    List<Endpoint> out = new ArrayList<>();
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    public Uni<Boolean> delete(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("delete from webhook.endpoints where id = $1").execute(Tuple.of(uuid))
                .map(rows -> rows.rowCount() > 0);
    }

    private static EndpointSpec spec(String json) {
        try {
            return EventJson.MAPPER.readValue(json, EndpointSpec.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable endpoint configuration", e);
        }
    }

    private Endpoint map(Row r) {
        EndpointSpec spec = spec(r.getString("config"));
        List<String> verifying = new ArrayList<>();
        io.vertx.mutiny.core.buffer.Buffer current = r.getBuffer("secret");
        if (current != null) {
            verifying.add(secrets.box().open(current.getBytes()));
        }
        OffsetDateTime previousExpires = r.getOffsetDateTime("previous_secret_expires_at");
        io.vertx.mutiny.core.buffer.Buffer previous = r.getBuffer("previous_secret");
        if (previous != null && previousExpires != null && previousExpires.isAfter(OffsetDateTime.now())) {
            verifying.add(secrets.box().open(previous.getBytes()));
        }
        return Endpoint.of(r.getUUID("id").toString(), spec, r.getInteger("version"), r.getString("managed_by"),
                List.copyOf(verifying), previousExpires, r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }

    static String json(EndpointSpec spec) {
        try {
            return EventJson.MAPPER.writeValueAsString(spec);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
