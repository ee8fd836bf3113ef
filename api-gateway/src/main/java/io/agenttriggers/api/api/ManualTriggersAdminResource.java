package io.agenttriggers.api.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.agenttriggers.api.domain.ManualTriggerSpec;
import io.agenttriggers.api.persistence.ManualTriggerStore;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Registers manual triggers: one per tenant and event name. */
@Path("/admin/v1/manual-triggers")
@Tag(name = "Manual triggers")
@Produces(MediaType.APPLICATION_JSON)
public class ManualTriggersAdminResource {

    /** A manual trigger as shown. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ManualView(String id, @JsonUnwrapped ManualTriggerSpec spec, int version, String managedBy,
            OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        static ManualView of(ManualTriggerStore.Stored s) {
            return new ManualView(s.id(), s.spec(), s.version(), s.managedBy(), s.createdAt(), s.updatedAt());
        }
    }

    @Inject
    ManualTriggerStore store;

    @Inject
    SecurityIdentity identity;

    @Inject
    OutboundUrlPolicy urls;

    @POST
        @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a manual trigger", description = "409 when the tenant has one for the event name.")
    public Uni<Response> create(ManualTriggerSpec spec) {
        check(spec);
        TenantScope.check(identity, spec.tenantId());
        return store.create(spec).map(created -> created.map(c -> Response.created(
                        URI.create("/admin/v1/manual-triggers/" + c.id())).entity(ManualView.of(c)).build())
                .orElseThrow(() -> new ProblemException(409, "event_name_taken", "Conflict", "Tenant "
                        + spec.tenantId() + " already has a manual trigger for " + spec.eventName())));
    }

    @GET
        @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List manual triggers, newest first")
    public Uni<Page<ManualView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        return store.list(TenantScope.restriction(identity), tenantId, after, size + 1)
                .map(rows -> Page.of(rows.stream().map(ManualView::of).toList(), size, ManualView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read a manual trigger")
    public Uni<ManualView> get(@PathParam("id") String id) {
        return visible(id).map(ManualView::of);
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a manual trigger", description = "Tenant and event name never change.")
    public Uni<ManualView> update(@PathParam("id") String id, ManualTriggerSpec spec) {
        check(spec);
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This manual trigger", existing.spec().workflowId());
            if (!existing.spec().tenantId().equals(spec.tenantId())
                    || !existing.spec().eventName().equals(spec.eventName())) {
                throw new ProblemException(422, "invalid_manual_trigger", "Invalid manual trigger",
                        "Tenant and event name of a manual trigger never change", List.of(
                                new FieldError("eventName", "must stay " + existing.spec().eventName())));
            }
            return store.update(id, spec);
        }).map(updated -> ManualView.of(updated.orElseThrow(() -> ProblemException.notFound(
                "manual_trigger_not_found", "No manual trigger " + id))));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a manual trigger")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This manual trigger", existing.spec().workflowId());
            return store.delete(id);
        }).map(deleted -> Response.noContent().build());
    }

    private Uni<ManualTriggerStore.Stored> visible(String id) {
        return store.find(id).map(found -> found.filter(t -> TenantScope.allows(identity, t.spec().tenantId()))
                .orElseThrow(() -> ProblemException.notFound("manual_trigger_not_found", "No manual trigger " + id)));
    }

    private void check(ManualTriggerSpec spec) {
        if (spec == null) {
            throw ProblemException.badRequest("empty_body", "Send the manual trigger as JSON");
        }
        Ownership.refuseWorkflowId(spec.workflowId(), "invalid_manual_trigger", "Invalid manual trigger");
        List<FieldError> errors = spec.check(urls);
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_manual_trigger", "Invalid manual trigger",
                    "The manual trigger has " + errors.size() + " invalid field(s)", errors);
        }
    }

}
