package io.agenttriggers.dispatcher.api;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.dispatcher.domain.RunRecord;
import io.agenttriggers.dispatcher.persistence.RunLedger;
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

/** The run ledger, for callers and dashboards. A tenant-scoped token sees only its tenants' runs. */
@Path("/api/v1/runs")
@Tag(name = "Runs")
@RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    @Inject
    RunLedger ledger;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "List runs, newest first", description = "Filters: tenantId, status, eventName.")
    public Uni<Page<RunRecord>> list(@QueryParam("tenantId") String tenantId, @QueryParam("status") String status,
            @QueryParam("eventName") String eventName, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (status != null) {
            try {
                RunStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_status", e.getMessage());
            }
        }
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        return ledger.list(TenantScope.restriction(identity), tenantId, status, eventName, after, size + 1)
                .map(rows -> Page.of(rows, size, RunRecord::runId));
    }

    @GET
    @Path("{runId}")
    @Operation(summary = "One run with its attempts")
    public Uni<RunRecord> get(@PathParam("runId") String runId) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7");
        }
        return ledger.find(runId).chain(found -> {
            RunRecord run = found.filter(r -> TenantScope.allows(identity, r.tenantId()))
                    .orElseThrow(() -> ProblemException.notFound("run_not_found", "No run " + runId));
            return ledger.attempts(runId).map(run::withAttemptLog);
        });
    }
}
