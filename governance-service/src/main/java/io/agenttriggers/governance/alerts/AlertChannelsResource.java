package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.IfMatch;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.SecretBox;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.common.versioned.VersionConflict;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Where a tenant's alerts are sent. A webhook channel's signing secret ({@code whsec_…}) is made here and shown once;
 * a Slack URL is sealed and never shown again. Every URL must pass the outbound URL policy.
 */
@Path("/api/v1/alert-channels")
@Tag(name = "Alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertChannelsResource {

    @Inject
    AlertChannelStore store;

    @Inject
    AlertSecrets secrets;

    @Inject
    OutboundUrlPolicy urls;

    @Inject
    AlertDelivery delivery;

    @Inject
    Pool pool;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a channel", description = "Answers 201; a webhook channel's signing secret is in "
            + "this answer only.")
    public Uni<Response> create(AlertChannelSpec request) {
        AlertChannelSpec spec = validated(request, true);
        TenantScope.check(identity, spec.tenantId());
        String secret = switch (spec.type()) {
            case AlertChannelSpec.WEBHOOK -> SecretBox.generateStandardWebhooks();
            case AlertChannelSpec.SLACK -> spec.url();
            default -> null;
        };
        byte[] sealed = secret == null ? null : secrets.seal(secret);
        AlertChannelSpec stored = spec.stored();
        return store.create(stored, "api", row -> row.setSecret(sealed))
                .onFailure(NameTaken.class).transform(e -> nameTaken(spec))
                .map(row -> Response.created(URI.create("/api/v1/alert-channels/" + row.getId()))
                        .entity(AlertChannelView.of(row, stored, AlertChannelSpec.WEBHOOK.equals(spec.type())
                                ? secret : null))
                        .tag(Integer.toString(row.getVersion())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List channels, newest first", description = "Filters: tenantId, type.")
    public Uni<Page<AlertChannelView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("type") String type,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        List<String> where = new ArrayList<>(List.of("true"));
        List<Object> args = new ArrayList<>();
        if (tenantId != null) {
            args.add(tenantId);
            where.add("tenantId = ?" + args.size());
        }
        TenantScope.restriction(identity).ifPresent(tenants -> {
            args.add(Set.copyOf(tenants));
            where.add("tenantId in ?" + args.size());
        });
        if (after != null) {
            args.add(UUID.fromString(after));
            where.add("id < ?" + args.size());
        }
        return store.where(size + 1, String.join(" and ", where) + " order by id desc", args.toArray())
                .map(rows -> rows.stream().map(r -> AlertChannelView.of(r, store.spec(r.getConfig()), null))
                        .filter(v -> type == null || type.equals(v.channel().type())).toList())
                .map(views -> Page.of(views, size, AlertChannelView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read a channel", description = "Secrets are never shown.")
    public Uni<Response> get(@PathParam("id") String id) {
        return visible(id).map(row -> Response.ok(AlertChannelView.of(row, store.spec(row.getConfig()), null))
                .tag(Integer.toString(row.getVersion())).build());
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a channel", description = "The type and tenant never change. A Slack channel "
            + "keeps its URL unless a new one is sent; a webhook keeps its signing secret. If-Match refuses lost "
            + "updates (412).")
    public Uni<Response> update(@PathParam("id") String id, AlertChannelSpec request,
            @HeaderParam("If-Match") String ifMatch) {
        AlertChannelSpec spec = validated(request, false);
        Integer expected = IfMatch.version(ifMatch);
        byte[] newUrl = AlertChannelSpec.SLACK.equals(spec.type()) && spec.url() != null ? secrets.seal(spec.url())
                : null;
        AlertChannelSpec stored = spec.stored();
        return visible(id).chain(existing -> {
            AlertChannelSpec current = store.spec(existing.getConfig());
            if (!existing.getTenantId().equals(spec.tenantId()) || !current.type().equals(spec.type())) {
                throw new ProblemException(422, "invalid_alert_channel", "Invalid alert channel", "A channel keeps "
                        + "its tenant and type; create another channel instead", List.of(
                                new FieldError("tenantId", "must stay " + existing.getTenantId()),
                                new FieldError("type", "must stay " + current.type())));
            }
            return store.edit(existing.getId(), expected, row -> {
                row.setConfig(EventJson.write(stored));
                row.setName(stored.name());
                row.setEnabled(stored.isEnabled());
                if (newUrl != null) {
                    row.setSecret(newUrl);
                }
            }, newUrl != null ? "url_changed" : "updated");
        }).onFailure(VersionConflict.class).transform(e -> new ProblemException(412, "version_conflict",
                        "Precondition failed", "The channel is at version " + ((VersionConflict) e).current
                                + ", not " + expected))
                .onFailure(NameTaken.class).transform(e -> nameTaken(spec))
                .map(row -> Response.ok(AlertChannelView.of(row, stored, null)).tag(Integer.toString(row.getVersion()))
                        .build());
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a channel", description = "409 while a rule still names it.")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(row -> pool.preparedQuery("select name from governance.alert_rules where "
                        + "tenant_id = $1 and config->'channels' ? $2 limit 5")
                .execute(Tuple.of(row.getTenantId(), row.getId().toString()))
                .chain(users -> {
                    if (users.size() > 0) {
                        List<String> names = new ArrayList<>();
                        users.forEach(u -> names.add(u.getString("name")));
                        throw new ProblemException(409, "channel_in_use", "Conflict", "Rules still notify this "
                                + "channel: " + String.join(", ", names));
                    }
                    return store.delete(row.getId());
                }))
                .map(x -> Response.noContent().build());
    }

    @POST
    @Path("{id}/test")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Send a sample notification", description = "Answers 202 with the notification's id; "
            + "GET /api/v1/alert-notifications/{id} shows its attempts.")
    public Uni<Response> test(@PathParam("id") String id) {
        return visible(id).chain(row -> {
            UUID notification = UUID.randomUUID();
            Map<String, Object> body = Map.of("type", "alert.test", "tenantId", row.getTenantId(), "ruleName",
                    "test", "groupKey", row.getName(), "summary", "A test notification from Agent Triggers",
                    "at", Instant.now().toString());
            return pool.preparedQuery("insert into governance.alert_notifications (id, channel_id, tenant_id, seq, "
                            + "kind, body) values ($1, $2, $3, 0, 'test', $4::text::jsonb)")
                    .execute(Tuple.of(notification, row.getId(), row.getTenantId(), EventJson.write(body)))
                    .invoke(delivery::kick)
                    .map(x -> Response.accepted(Map.of("notificationId", notification.toString()))
                            .location(URI.create("/api/v1/alert-notifications/" + notification)).build());
        });
    }

    private AlertChannelSpec validated(AlertChannelSpec request, boolean creating) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the channel as JSON");
        }
        List<FieldError> problems = new ArrayList<>(request.problems(creating));
        if (problems.isEmpty() && request.url() != null) {
            urls.check("url", request.url(), problems);
        }
        if (!problems.isEmpty()) {
            throw new ProblemException(422, "invalid_alert_channel", "Invalid alert channel",
                    "The channel has " + problems.size() + " invalid field(s)", problems);
        }
        return request;
    }

    private Uni<AlertChannelRow> visible(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProblemException.notFound("alert_channel_not_found", "No channel " + id));
        }
        return store.find(uuid).map(found -> found.filter(r -> TenantScope.allows(identity, r.getTenantId()))
                .orElseThrow(() -> ProblemException.notFound("alert_channel_not_found", "No channel " + id)));
    }

    private static ProblemException nameTaken(AlertChannelSpec spec) {
        return new ProblemException(409, "name_taken", "Conflict", "Tenant " + spec.tenantId()
                + " already has a channel named " + spec.name());
    }
}
