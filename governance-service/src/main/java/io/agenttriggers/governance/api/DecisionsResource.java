package io.agenttriggers.governance.api;

import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.governance.persistence.DecisionLog;
import io.agenttriggers.governance.persistence.DecisionLog.DecisionRecord;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The decision audit, for dashboards: every event's verdict, the policy that gave it, and why. */
@Path("/api/v1/decisions")
@Tag(name = "Decisions")
@RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
@Produces(MediaType.APPLICATION_JSON)
public class DecisionsResource {

    @Inject
    DecisionLog decisions;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "List decisions, newest first")
    public Uni<Page<DecisionRecord>> list(@QueryParam("tenantId") String tenantId,
            @QueryParam("verdict") String verdict, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (verdict != null && !verdict.equals("approved") && !verdict.equals("rejected")) {
            throw ProblemException.badRequest("invalid_verdict", "verdict is approved or rejected");
        }
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        return decisions.list(TenantScope.restriction(identity), tenantId, verdict, after, size + 1)
                .map(rows -> Page.of(rows, size, DecisionRecord::runId));
    }

    @GET
    @Path("{runId}")
    @Operation(summary = "The decision for one event")
    public Uni<DecisionRecord> get(@PathParam("runId") String runId) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7");
        }
        return decisions.find(runId).map(found -> found
                .filter(d -> TenantScope.allows(identity, d.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("decision_not_found", "No decision for run " + runId)));
    }
}
