package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.security.SecretBox;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionedStore;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
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

/**
 * Endpoints and their versions (schema {@code webhook}), on the shared {@link VersionedStore}; secrets go in and out
 * through the {@link SecretBox}. Lists and the lookups of the delivery path read the table with hand-written SQL.
 */
@ApplicationScoped
public class EndpointStore extends VersionedStore<EndpointSpec, EndpointRow, EndpointVersionRow> {

    private static final String COLUMNS = "id, tenant_id, version, managed_by, config::text as config, secret, "
            + "previous_secret, previous_secret_expires_at, created_at, updated_at";

    @Inject
    Pool pool;

    @Inject
    Secrets secrets;

    @Inject
    WebhookGatewayConfig gateway;

    public EndpointStore() {
        // The unique indexes on (tenant, name) and, for a deployment's endpoints, (tenant, workflow, name).
        super(EndpointSpec.class, EndpointRow.class, EndpointRow::new, EndpointVersionRow.class, EndpointVersionRow::new,
                Set.of("endpoints_tenant_id_name_key", "endpoints_workflow_name"));
    }

    @Override
    protected void apply(EndpointRow row, EndpointSpec spec) {
        row.setTenantId(spec.tenantId());
        row.setName(spec.name());
        row.setEventName(spec.eventName());
        row.setEnabled(spec.isEnabled());
    }

    @Override
    protected TenantQuota quota(EndpointRow row) {
        return new TenantQuota("webhook.endpoints", "webhook endpoints",
                "select count(*) from webhook.endpoints where tenant_id = $1", gateway.maxEndpointsPerTenant(),
                "triggers.webhook-gateway.max-endpoints-per-tenant");
    }

    public Uni<Endpoint> create(EndpointSpec spec, String secret, String managedBy) {
        byte[] sealed = secret == null ? null : secrets.box().seal(secret);
        return create(spec, managedBy, row -> row.setSecret(sealed)).map(this::endpoint);
    }

    /**
     * Replaces the configuration; a new version. {@code expectedVersion} (from If-Match) guards against lost
     * updates when given.
     */
    public Uni<Endpoint> update(String id, EndpointSpec spec, Integer expectedVersion, String change) {
        return update(UUID.fromString(id), spec, expectedVersion, change).map(this::endpoint);
    }

    /** Makes {@code secret} current; the previous one keeps verifying until {@code previousExpiresAt}. */
    public Uni<Endpoint> rotate(String id, String secret, OffsetDateTime previousExpiresAt) {
        byte[] sealed = secrets.box().seal(secret);
        return edit(UUID.fromString(id), null, row -> row.rotate(sealed, previousExpiresAt), "secret_rotated")
                .map(this::endpoint);
    }

    public Uni<List<Version<EndpointSpec>>> versions(String id, Integer beforeVersion, int limit) {
        return versions(UUID.fromString(id), beforeVersion, limit);
    }

    public Uni<Optional<Version<EndpointSpec>>> version(String id, int version) {
        return version(UUID.fromString(id), version);
    }

    public Uni<Optional<Endpoint>> find(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        return uuid == null ? Uni.createFrom().item(Optional.empty())
                : find(uuid).map(found -> found.map(this::endpoint));
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
        return uuid == null ? Uni.createFrom().item(false) : delete(uuid);
    }

    private Endpoint map(Row r) {
        io.vertx.mutiny.core.buffer.Buffer current = r.getBuffer("secret");
        io.vertx.mutiny.core.buffer.Buffer previous = r.getBuffer("previous_secret");
        return endpoint(r.getUUID("id"), spec(r.getString("config")), r.getInteger("version"),
                r.getString("managed_by"), current == null ? null : current.getBytes(),
                previous == null ? null : previous.getBytes(), r.getOffsetDateTime("previous_secret_expires_at"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    private Endpoint endpoint(EndpointRow row) {
        return endpoint(row.getId(), spec(row.getConfig()), row.getVersion(), row.getManagedBy(), row.getSecret(),
                row.getPreviousSecret(), row.getPreviousSecretExpiresAt(), row.getCreatedAt(), row.getUpdatedAt());
    }

    /** The secrets that verify now: the current one, and the previous one until it expires. */
    private Endpoint endpoint(UUID id, EndpointSpec spec, int version, String managedBy, byte[] secret,
            byte[] previousSecret, OffsetDateTime previousExpires, OffsetDateTime created, OffsetDateTime updated) {
        List<String> verifying = new ArrayList<>();
        if (secret != null) {
            verifying.add(secrets.box().open(secret));
        }
        if (previousSecret != null && previousExpires != null && previousExpires.isAfter(OffsetDateTime.now())) {
            verifying.add(secrets.box().open(previousSecret));
        }
        return Endpoint.of(id.toString(), spec, version, managedBy, List.copyOf(verifying), previousExpires, created,
                updated);
    }
}
