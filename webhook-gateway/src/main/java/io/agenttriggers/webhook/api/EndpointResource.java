package io.agenttriggers.webhook.api;

import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.IfMatch;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionConflict;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.AuthType;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.agenttriggers.webhook.persistence.EndpointCache;
import io.agenttriggers.webhook.persistence.EndpointStore;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
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
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Management of webhook endpoints: admins write, viewers read, everyone within their tenants. */
@Path("/api/v1/endpoints")
@Tag(name = "Endpoints")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointResource {

    @Inject
    EndpointStore store;

    @Inject
    EndpointCache cache;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    SecurityIdentity identity;

    @Inject
    DryRun dryRun;

    @Inject
    io.agenttriggers.webhook.persistence.EventLog eventLog;

    private static final java.util.Set<String> OUTCOMES = java.util.Set.of("accepted", "duplicate", "filtered",
            "handshake", "rejected", "failed");

    private static OffsetDateTime time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.badRequest("invalid_" + name, name + " is an ISO-8601 time with offset, e.g. "
                    + "2026-01-31T12:00:00Z");
        }
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an endpoint", description = "Answers 201 with the endpoint's URL and its secret, "
            + "shown this once (generated unless supplied).")
    public Uni<Response> create(EndpointRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the endpoint as JSON");
        }
        EndpointSpec spec = request.spec();
        List<FieldError> problems = spec.problems(request.secret());
        if (!problems.isEmpty()) {
            throw new ProblemException(422, "invalid_endpoint", "Invalid endpoint",
                    "The endpoint has " + problems.size() + " invalid field(s)", problems);
        }
        TenantScope.check(identity, spec.tenantId());
        AuthType type = spec.auth().type();
        String secret = !type.hasSecret() ? null
                : request.secret() != null ? request.secret() : type.newSecret();
        return store.create(spec, secret, "api")
                .onFailure(NameTaken.class).transform(e -> new ProblemException(409, "name_taken",
                        "Conflict", "Tenant " + spec.tenantId() + " already has an endpoint named " + spec.name()))
                .map(created -> Response.created(URI.create("/api/v1/endpoints/" + created.id()))
                        .entity(EndpointView.of(created, baseUrl(), secret)).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List endpoints, newest first", description = "Filters: tenantId, eventName, enabled, "
            + "workflowId (the endpoints a workflow deployment holds).")
    public Uni<Page<EndpointView>> list(@QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName, @QueryParam("enabled") Boolean enabled,
            @QueryParam("workflowId") String workflowId,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        if (workflowId != null) {
            Ownership.requireWorkflowId(workflowId);
        }
        return store.list(TenantScope.restriction(identity), tenantId, eventName, enabled, workflowId, after,
                        size + 1)
                .map(rows -> Page.of(rows.stream().map(e -> EndpointView.of(e, baseUrl(), null)).toList(), size,
                        EndpointView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read an endpoint (secret masked)")
    public Uni<Response> get(@PathParam("id") String id) {
        return visible(id).map(e -> Response.ok(EndpointView.of(e, baseUrl(), null))
                .tag(Integer.toString(e.version())).build());
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an endpoint's configuration", description = "Every change is a new version. "
            + "Send If-Match with the version you read to refuse lost updates (412). The secret changes only "
            + "through rotate-secret; the tenant never changes.")
    public Uni<Response> update(@PathParam("id") String id, EndpointRequest request,
            @HeaderParam("If-Match") String ifMatch) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the endpoint as JSON");
        }
        if (request.secret() != null) {
            throw new ProblemException(422, "invalid_endpoint", "Invalid endpoint",
                    "The secret is changed with POST /api/v1/endpoints/{id}/rotate-secret",
                    List.of(new FieldError("secret", "cannot be set by an update")));
        }
        EndpointSpec spec = request.spec();
        List<FieldError> problems = spec.problems(null);
        if (!problems.isEmpty()) {
            throw new ProblemException(422, "invalid_endpoint", "Invalid endpoint",
                    "The endpoint has " + problems.size() + " invalid field(s)", problems);
        }
        Integer expected = IfMatch.version(ifMatch);
        return visible(id).chain(existing -> {
            refuseManaged(existing);
            if (!existing.tenantId().equals(spec.tenantId())) {
                throw new ProblemException(422, "invalid_endpoint", "Invalid endpoint", "An endpoint cannot move to "
                        + "another tenant", List.of(new FieldError("tenantId", "must stay " + existing.tenantId())));
            }
            boolean authChanged = existing.spec().auth().type() != spec.auth().type();
            if (authChanged && (!existing.spec().auth().type().hasSecret() || !spec.auth().type().hasSecret())) {
                throw new ProblemException(422, "invalid_endpoint", "Invalid endpoint", "Switching between "
                        + "an endpoint with a secret and one without (none, github-app) needs a new endpoint",
                        List.of(new FieldError("auth.type", "cannot change between none or github-app and another "
                                + "type")));
            }
            return store.update(id, spec, expected, "updated");
        }).onFailure(VersionConflict.class).transform(e -> new ProblemException(412,
                        "version_conflict", "Precondition failed", "The endpoint is at version "
                        + ((VersionConflict) e).current + ", not " + expected))
                .onFailure(NameTaken.class).transform(e -> new ProblemException(409, "name_taken",
                        "Conflict", "Tenant " + spec.tenantId() + " already has an endpoint named " + spec.name()))
                .map(updated -> {
                    cache.invalidate(id);
                    return Response.ok(EndpointView.of(updated, baseUrl(), null))
                            .tag(Integer.toString(updated.version())).build();
                });
    }

    @GET
    @Path("{id}/versions")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The endpoint's versions, newest first")
    public Uni<Page<Version<EndpointSpec>>> versions(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String before = Page.decode(cursor, c -> c.matches("[0-9]{1,9}"));
        return visible(id).chain(e -> store.versions(id, before == null ? null : Integer.valueOf(before), size + 1))
                .map(rows -> Page.of(rows, size, v -> Integer.toString(v.version())));
    }

    @POST
    @Path("{id}/versions/{version}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Restore an earlier configuration", description = "Writes it as a new version.")
    public Uni<EndpointView> rollback(@PathParam("id") String id, @PathParam("version") int version) {
        return visible(id).chain(existing -> {
            refuseManaged(existing);
            return store.version(id, version).chain(found -> {
                Version<EndpointSpec> target = found.orElseThrow(() -> ProblemException.notFound("version_not_found",
                        "Endpoint " + id + " has no version " + version));
                EndpointSpec spec = target.config();
                if (spec.auth().type() != existing.spec().auth().type()
                        && (!spec.auth().type().hasSecret() || !existing.spec().auth().type().hasSecret())) {
                    throw new ProblemException(409, "incompatible_version", "Conflict", "Version " + version
                            + " switches between an open and an authenticated endpoint; create a new endpoint instead");
                }
                return store.update(id, spec, null, "rolled_back_to_" + version);
            });
        }).onFailure(NameTaken.class).transform(e -> new ProblemException(409, "name_taken",
                "Conflict", "Another endpoint of the tenant now has that version's name"))
                .map(updated -> {
                    cache.invalidate(id);
                    return EndpointView.of(updated, baseUrl(), null);
                });
    }

    @POST
    @Path("{id}/rotate-secret")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Rotate the secret", description = "The new secret is shown once; the old one keeps "
            + "verifying for the grace period (default PT24H, at most P7D).")
    public Uni<EndpointView> rotate(@PathParam("id") String id, RotateRequest request) {
        Duration grace = request == null || request.gracePeriod() == null ? Duration.ofHours(24) : request.gracePeriod();
        if (grace.isNegative() || grace.compareTo(Duration.ofDays(7)) > 0) {
            throw new ProblemException(422, "invalid_rotation", "Invalid rotation", "gracePeriod must be PT0S to P7D",
                    List.of(new FieldError("gracePeriod", "must be between PT0S and P7D")));
        }
        return visible(id).chain(existing -> {
            refuseFileManaged(existing);
            AuthType type = existing.spec().auth().type();
            if (!type.hasSecret()) {
                throw new ProblemException(409, "no_secret", "Conflict", type == AuthType.NONE
                        ? "An open endpoint has no secret to rotate"
                        : "A github-app endpoint is verified with the App's webhook secret; rotate it in GitHub and in "
                        + "triggers.github-app.webhook-secret");
            }
            String secret = request != null && request.secret() != null ? request.secret() : type.newSecret();
            List<FieldError> problems = existing.spec().problems(secret);
            if (!problems.isEmpty()) {
                throw new ProblemException(422, "invalid_rotation", "Invalid rotation", "The new secret is not valid",
                        problems);
            }
            return store.rotate(id, secret, OffsetDateTime.now(ZoneOffset.UTC).plus(grace))
                    .map(rotated -> {
                        cache.invalidate(id);
                        return EndpointView.of(rotated, baseUrl(), secret);
                    });
        });
    }

    @POST
    @Path("{id}/test")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dry run a sample delivery", description = "Checks its credentials, parses it and shows "
            + "the event that would be published. Publishes nothing.")
    public Uni<DryRunResult> test(@PathParam("id") String id, DryRunRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send {\"body\": ..., \"headers\": {...}}");
        }
        return visible(id).map(endpoint -> dryRun.run(endpoint, request));
    }

    @GET
    @Path("{id}/events")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Requests an endpoint received, newest first",
            description = "Filters: status (HTTP code), outcome, from/to (ISO-8601, received time).")
    public Uni<Page<EventView>> list(@PathParam("id") String id, @QueryParam("status") Integer status,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw ProblemException.badRequest("invalid_outcome", "outcome is one of " + OUTCOMES);
        }
        OffsetDateTime since = time("from", from);
        OffsetDateTime until = time("to", to);
        String after = Page.decode(cursor, RunIds::isRunId);
        return visible(id).chain(e -> eventLog.list(id, status, outcome, since, until, after, size + 1))
                .map(rows -> Page.of(rows.stream().map(EventView::of).toList(), size, EventView::id));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete an endpoint; its URL answers 404 from then on")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(e -> {
            refuseManaged(e);
            return store.delete(id);
        }).map(deleted -> {
            cache.invalidate(id);
            return Response.noContent().build();
        });
    }

    Uni<Endpoint> visible(String id) {
        return store.find(id).map(found -> found.filter(e -> TenantScope.allows(identity, e.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("endpoint_not_found", "No endpoint " + id)));
    }

    /** 409 unless the REST API holds the endpoint: a file's or a workflow deployment's is changed there. */
    static void refuseManaged(Endpoint e) {
        refuseFileManaged(e);
        Ownership.requireApiManaged(e.managedBy(), "Endpoint " + e.id(), e.spec().workflowId());
    }

    /** 409 for the declarative file's endpoints; a deployment's keep their secret rotation here. */
    static void refuseFileManaged(Endpoint e) {
        if ("file".equals(e.managedBy())) {
            throw new ProblemException(409, "file_managed", "Conflict",
                    "Endpoint " + e.id() + " is managed by the declarative file; change it there");
        }
    }


    String baseUrl() {
        return config.publicUrl().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).orElse("");
    }
}
