package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.api.persistence.ManualTriggerStore;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A deployed workflow's triggers by workflow id (the workflow-scheduler seed's trigger routes). */
@Path("/api/v1/triggers/workflows/{workflowId}")
@Tag(name = "Workflow deployments")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowTriggersResource {

    @Inject
    ManualTriggerStore store;

    @Inject
    ManualFiring firing;

    @Inject
    DeploymentsResource deployments;

    @POST
    @Path("manual")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER })
    @Operation(summary = "Fire the workflow's manual trigger", description = "As POST /api/v1/manual/{eventName}: "
            + "the trigger's roles apply, 202 {runId}, or the confirmation step when it asks for one "
            + "(X-Confirmation-Token). A workflow with several manual triggers needs ?name=.")
    public Uni<Response> fire(@PathParam("workflowId") String workflowId, @QueryParam("tenantId") String tenantId,
            @QueryParam("name") String name, @HeaderParam("X-Confirmation-Token") String token,
            @Context HttpHeaders headers, byte[] body) {
        String tenant = deployments.tenant(tenantId, workflowId);
        JsonNode payload = firing.payload(headers, body);
        return store.ownedBy(tenant, workflowId).chain(owned -> {
            List<ManualTriggerStore.Stored> candidates = owned.stream().filter(s -> s.spec().isEnabled())
                    .filter(s -> name == null || name.equals(s.spec().name())).toList();
            if (candidates.isEmpty()) {
                throw ProblemException.notFound("manual_trigger_not_found", "Workflow " + workflowId + " has no "
                        + "enabled manual trigger" + (name == null ? "" : " named " + name));
            }
            if (candidates.size() > 1) {
                throw ProblemException.badRequest("name_required", "Workflow " + workflowId + " has several manual "
                        + "triggers; pass ?name=");
            }
            return firing.fire(candidates.get(0), token, payload, body != null && body.length > 0);
        });
    }

    @GET
    @Path("status")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER })
    @Operation(summary = "The workflow's triggers and their conditions", description = "The deployment's status, "
            + "as GET /api/v1/deployment/workflows/{workflowId}/status.")
    public Uni<Response> status(@PathParam("workflowId") String workflowId, @QueryParam("tenantId") String tenantId) {
        return deployments.status(workflowId, tenantId);
    }
}
