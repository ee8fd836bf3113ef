package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.api.client.DispatcherClient;
import io.agenttriggers.api.persistence.AcceptedRuns;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Runs as the ledger (agent-dispatcher) records them. A run this gateway accepted reads {@code queued} until the
 * dispatcher has it, so an id the gateway returned is never answered 404.
 */
@Path("/api/v1/runs")
@Tag(name = "Runs")
@RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
public class RunsResource {

    @Inject
    DispatcherClient dispatcher;

    @Inject
    AcceptedRuns acceptedRuns;

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Read a run", description = "The ledger's view of the run; 'queued' until recorded.")
    public Uni<JsonNode> get(@PathParam("runId") String runId, @HeaderParam("Authorization") String authorization) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7, not '" + abbreviate(runId) + "'");
        }
        return dispatcher.run(runId, authorization).chain(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            return acceptedRuns.find(runId).map(accepted -> accepted
                    .filter(a -> TenantScope.allows(identity, a.tenantId()))
                    .map(a -> (JsonNode) queued(a))
                    .orElseThrow(() -> ProblemException.notFound("run_not_found", "No run " + runId)));
        });
    }

    private static ObjectNode queued(AcceptedRuns.AcceptedRun run) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("runId", run.runId());
        node.put("tenantId", run.tenantId());
        node.put("eventName", run.eventName());
        node.put("triggerType", "api");
        node.put("source", "/api/" + run.triggerId());
        node.put("status", "queued");
        node.put("queuedAt", run.acceptedAt().toString());
        return node;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
