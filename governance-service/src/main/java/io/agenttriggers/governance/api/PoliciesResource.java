package io.agenttriggers.governance.api;

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
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.agenttriggers.governance.persistence.PolicyCache;
import io.agenttriggers.governance.persistence.PolicyDeployments;
import io.agenttriggers.governance.persistence.PolicyStore;
import io.quarkus.security.ForbiddenException;
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
import java.util.List;
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Policies: admins write, viewers read, each within their tenants. A policy with a {@code tenantId} governs only that
 * tenant's events; a global one (no {@code tenantId}) needs a token that sees every tenant. Every change is a new
 * version, in force on every replica within about a second (on this one before the answer).
 */
@Path("/api/v1/policies")
@Tag(name = "Policies")
@Produces(MediaType.APPLICATION_JSON)
public class PoliciesResource {

    @Inject
    PolicyStore store;

    @Inject
    PolicyCache cache;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a policy", description = "Answers 201 with the policy, version 1.")
    public Uni<Response> create(PolicySpec request) {
        PolicySpec spec = validated(request);
        checkScope(spec.tenantId());
        return store.create(spec, "api")
                .onFailure(NameTaken.class).transform(e -> nameTaken(spec))
                .call(() -> cache.refresh())
                .map(p -> Response.created(URI.create("/api/v1/policies/" + p.id())).entity(PolicyView.of(p))
                        .tag(Integer.toString(p.version())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List policies, newest first", description = "Filters: tenantId, enabled.")
    public Uni<Page<PolicyView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("enabled") Boolean enabled,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        return store.list(TenantScope.restriction(identity), tenantId, enabled, after, size + 1)
                .map(rows -> Page.of(rows.stream().map(PolicyView::of).toList(), size, PolicyView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read a policy")
    public Uni<Response> get(@PathParam("id") String id) {
        return visible(id).map(p -> Response.ok(PolicyView.of(p)).tag(Integer.toString(p.version())).build());
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a policy", description = "Every change is a new version. Send If-Match with the "
            + "version you read to refuse lost updates (412). The tenant never changes.")
    public Uni<Response> update(@PathParam("id") String id, PolicySpec request, @HeaderParam("If-Match") String ifMatch) {
        PolicySpec spec = validated(request);
        Integer expected = IfMatch.version(ifMatch);
        return visible(id).chain(existing -> {
            refuseFileManaged(existing);
            if (!Objects.equals(existing.spec().tenantId(), spec.tenantId())) {
                throw new ProblemException(422, "invalid_policy", "Invalid policy", "A policy cannot move to another "
                        + "tenant", List.of(new FieldError("tenantId", "must stay " + existing.spec().tenantId())));
            }
            return store.update(id, spec, expected, "updated");
        }).onFailure(VersionConflict.class).transform(e -> new ProblemException(412, "version_conflict",
                        "Precondition failed", "The policy is at version " + ((VersionConflict) e).current
                                + ", not " + expected))
                .onFailure(NameTaken.class).transform(e -> nameTaken(spec))
                .call(() -> cache.refresh())
                .map(p -> Response.ok(PolicyView.of(p)).tag(Integer.toString(p.version())).build());
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a policy", description = "Its counters in Redis expire on their own.")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(p -> {
            refuseFileManaged(p);
            return store.delete(id);
        }).call(() -> cache.refresh()).map(x -> Response.noContent().build());
    }

    @GET
    @Path("{id}/versions")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The policy's versions, newest first")
    public Uni<Page<Version<PolicySpec>>> versions(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String before = Page.decode(cursor, c -> c.matches("[0-9]{1,9}"));
        return visible(id).chain(p -> store.versions(id, before == null ? null : Integer.valueOf(before), size + 1))
                .map(rows -> Page.of(rows, size, v -> Integer.toString(v.version())));
    }

    @POST
    @Path("{id}/versions/{version}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Restore an earlier configuration", description = "Writes it as a new version.")
    public Uni<PolicyView> rollback(@PathParam("id") String id, @PathParam("version") int version) {
        return visible(id).chain(existing -> {
            refuseFileManaged(existing);
            return store.rollback(id, version).map(found -> found.orElseThrow(() -> ProblemException.notFound(
                    "version_not_found", "Policy " + id + " has no version " + version)));
        }).onFailure(NameTaken.class).transform(e -> new ProblemException(409, "name_taken", "Conflict",
                "Another policy of the tenant now has that version's name"))
                .call(() -> cache.refresh())
                .map(PolicyView::of);
    }

    private PolicySpec validated(PolicySpec request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the policy as JSON");
        }
        PolicySpec spec = request.normalized();
        List<FieldError> problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new ProblemException(422, "invalid_policy", "Invalid policy",
                    "The policy has " + problems.size() + " invalid field(s)", problems);
        }
        return spec;
    }

    /** A tenant's policy needs that tenant in scope; a global policy needs a token that sees every tenant. */
    private void checkScope(String tenantId) {
        if (tenantId == null) {
            if (TenantScope.restriction(identity).isPresent()) {
                throw new ForbiddenException("a global policy needs a token that sees every tenant");
            }
        } else {
            TenantScope.check(identity, tenantId);
        }
    }

    /** The policy, or 404 when it does not exist or is outside the caller's tenants. */
    private Uni<Policy> visible(String id) {
        return store.find(id).map(found -> found
                .filter(p -> p.spec().tenantId() == null ? TenantScope.restriction(identity).isEmpty()
                        : TenantScope.allows(identity, p.spec().tenantId()))
                .orElseThrow(() -> ProblemException.notFound("policy_not_found", "No policy " + id)));
    }

    private static void refuseFileManaged(Policy p) {
        if ("file".equals(p.managedBy())) {
            throw new ProblemException(409, "managed_by_file", "Conflict", "Policy " + p.spec().name()
                    + " is managed by the declarative policies file; change it there");
        }
        Ownership.requireApiManaged(p.managedBy(), "Policy " + p.spec().name(),
                PolicyDeployments.workflowOf(p.spec().name()));
    }

    private static ProblemException nameTaken(PolicySpec spec) {
        return new ProblemException(409, "name_taken", "Conflict", (spec.tenantId() == null ? "A global policy"
                : "Tenant " + spec.tenantId() + " already has a policy") + " named " + spec.name()
                + (spec.tenantId() == null ? " exists" : ""));
    }

}
