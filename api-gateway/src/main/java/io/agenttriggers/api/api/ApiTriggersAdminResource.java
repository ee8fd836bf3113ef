package io.agenttriggers.api.api;

import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.persistence.RouteRegistry;
import io.agenttriggers.api.persistence.TriggerStore;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.IfMatch;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionConflict;
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
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Registers API triggers at run time. A registration is served by every replica within {@code route-refresh}
 * (default 0.5 s); by this one at once.
 */
@Path("/admin/v1/api-triggers")
@Tag(name = "API trigger registry")
@Produces(MediaType.APPLICATION_JSON)
public class ApiTriggersAdminResource {

    @Inject
    TriggerStore store;

    @Inject
    RouteRegistry routes;

    @Inject
    SecurityIdentity identity;

    @Inject
    OutboundUrlPolicy urls;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register an API trigger", description = "201 with the trigger's id; 409 when the tenant "
            + "has a trigger with that name, when another of its triggers has the same method and path shape, or "
            + "when another tenant's route could match any of the same requests; 422 for invalid "
            + "fields (reserved paths /q/, /admin/, /runs/ included).")
    public Uni<Response> create(ApiTriggerSpec spec) {
        check(spec);
        TenantScope.check(identity, spec.tenantId());
        return store.create(spec, "api", routes.staticConflicts(spec.tenantId()))
                .onFailure().transform(e -> conflict(e, spec))
                .call(created -> routes.refresh())
                .map(created -> Response.created(URI.create("/admin/v1/api-triggers/" + created.id()))
                        .tag(Integer.toString(created.version()))
                        .entity(TriggerView.of(created)).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List API triggers, newest first", description = "Filters: tenantId, eventName, enabled, "
            + "workflowId (the triggers a workflow deployment holds).")
    public Uni<Page<TriggerView>> list(@QueryParam("tenantId") String tenantId,
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
                .map(rows -> Page.of(rows.stream().map(TriggerView::of).toList(), size, TriggerView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read an API trigger")
    public Uni<Response> get(@PathParam("id") String id) {
        return visible(id).map(t -> Response.ok(TriggerView.of(t)).tag(Integer.toString(t.version())).build());
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an API trigger's registration", description = "Send If-Match with the version you "
            + "read to refuse lost updates (412). The tenant never changes.")
    public Uni<Response> update(@PathParam("id") String id, ApiTriggerSpec spec,
            @HeaderParam("If-Match") String ifMatch) {
        check(spec);
        Integer expected = IfMatch.version(ifMatch);
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This trigger", existing.spec().workflowId());
            if (!existing.spec().tenantId().equals(spec.tenantId())) {
                throw new ProblemException(422, "invalid_trigger", "Invalid API trigger", "A trigger cannot move to "
                        + "another tenant", List.of(new FieldError("tenantId", "must stay "
                                + existing.spec().tenantId())));
            }
            return store.update(id, spec, expected, routes.staticConflicts(spec.tenantId()));
        }).onFailure(VersionConflict.class).transform(e -> new ProblemException(412,
                        "version_conflict", "Precondition failed", "The trigger is at version "
                        + ((VersionConflict) e).current + ", not " + expected))
                .onFailure().transform(e -> conflict(e, spec))
                .call(updated -> routes.refresh())
                .map(updated -> Response.ok(TriggerView.of(updated)).tag(Integer.toString(updated.version())).build());
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete an API trigger", description = "Its path answers 404 from then on.")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This trigger", existing.spec().workflowId());
            return store.delete(id);
        }).call(deleted -> routes.refresh()).map(deleted -> Response.noContent().build());
    }

    @GET
    @Path("{id}/versions")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The trigger's versions, newest first", description = "Each is the whole registration as "
            + "it was, with what made it (created, updated, rolled_back_to_N).")
    public Uni<Page<Version<ApiTriggerSpec>>> versions(@PathParam("id") String id,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String before = Page.decode(cursor, c -> c.matches("[0-9]{1,9}"));
        return visible(id).chain(t -> store.versions(id, before == null ? null : Integer.valueOf(before), size + 1))
                .map(rows -> Page.of(rows, size, v -> Integer.toString(v.version())));
    }

    @POST
    @Path("{id}/versions/{version}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Restore an earlier registration", description = "Writes it as a new version, served at "
            + "once; 409 when its name or route is now another trigger's, 404 when there is no such version.")
    public Uni<Response> rollback(@PathParam("id") String id, @PathParam("version") int version) {
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This trigger", existing.spec().workflowId());
            return store.rollback(id, version, routes.staticConflicts(existing.spec().tenantId()))
                    .map(found -> found.orElseThrow(() -> ProblemException.notFound("version_not_found",
                            "API trigger " + id + " has no version " + version)));
        }).onFailure(NameTaken.class).transform(e -> new ProblemException(409, "name_taken", "Conflict",
                        "Another API trigger of the tenant now has that version's name"))
                .onFailure(TriggerStore.RouteTaken.class).transform(e -> new ProblemException(409, "route_taken",
                        "Conflict", ((TriggerStore.RouteTaken) e).sameTenant
                                ? "API trigger " + ((TriggerStore.RouteTaken) e).otherId
                                        + " now serves that version's method and path"
                                : "Another route now serves requests that version's method and path would match"))
                .call(restored -> routes.refresh())
                .map(restored -> Response.ok(TriggerView.of(restored)).tag(Integer.toString(restored.version()))
                        .build());
    }

    private Uni<TriggerStore.Stored> visible(String id) {
        return store.find(id).map(found -> found.filter(t -> TenantScope.allows(identity, t.spec().tenantId()))
                .orElseThrow(() -> ProblemException.notFound("trigger_not_found", "No API trigger " + id)));
    }

    private void check(ApiTriggerSpec spec) {
        if (spec == null) {
            throw ProblemException.badRequest("empty_body", "Send the API trigger as JSON");
        }
        Ownership.refuseWorkflowId(spec.workflowId(), "invalid_trigger", "Invalid API trigger");
        List<FieldError> errors = new ArrayList<>();
        spec.compile("check", 1, "api", urls, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_trigger", "Invalid API trigger",
                    "The API trigger has " + errors.size() + " invalid field(s)", errors);
        }
    }

    private static Throwable conflict(Throwable e, ApiTriggerSpec spec) {
        if (e instanceof NameTaken) {
            return new ProblemException(409, "name_taken", "Conflict", "Tenant " + spec.tenantId()
                    + " already has an API trigger named " + spec.nameOrDefault());
        }
        if (e instanceof TriggerStore.RouteTaken taken) {
            // Another tenant's trigger stays anonymous: its id would let this tenant probe who serves what.
            return new ProblemException(409, "route_taken", "Conflict", taken.sameTenant
                    ? "API trigger " + taken.otherId + " already serves " + spec.methodOrDefault() + " " + spec.path()
                    : "Another route already serves requests that " + spec.methodOrDefault() + " " + spec.path()
                            + " would match");
        }
        return e;
    }

}
