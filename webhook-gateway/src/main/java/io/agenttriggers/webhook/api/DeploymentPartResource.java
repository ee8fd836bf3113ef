package io.agenttriggers.webhook.api;

import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.agenttriggers.webhook.persistence.EndpointDeployments;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The webhook part of workflow deployments, for the api-gateway's deployment controller: the endpoints one workflow
 * holds, set whole. Admin only; users deploy through {@code /api/v1/deployment/workflows}.
 */
@Path("/internal/v1/deployments/{tenantId}/{workflowId}")
@Tag(name = "Workflow deployments (internal)")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeploymentPartResource {

    /** The endpoints of one deployment version. */
    public record Part(Integer version, List<EndpointSpec> triggers) {
    }

    @Inject
    EndpointDeployments deployments;

    @Inject
    SecurityIdentity identity;

    private void check(String tenantId, String workflowId) {
        Ownership.requireIds(tenantId, workflowId);
        TenantScope.check(identity, tenantId);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the workflow's endpoints", description = "Creates, changes and deletes the endpoints "
            + "the workflow's deployment holds so that they are the ones sent (recognised by name); a created one's "
            + "generated secret is in this answer only. 422 names every invalid field as triggers[i].field and "
            + "changes nothing; dryRun=true answers the plan only.")
    public Uni<PartResult> put(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId,
            @QueryParam("dryRun") boolean dryRun, Part part) {
        check(tenantId, workflowId);
        List<EndpointSpec> owned = DeploymentPart.accept(tenantId, part == null ? null : part.triggers(),
                EndpointSpec::tenantId, s -> s.ownedBy(tenantId, workflowId), deployments::check,
                "Invalid endpoints");
        return deployments.apply(tenantId, workflowId, part.version(), owned, !dryRun);
    }

    @GET
    @Operation(summary = "The workflow's endpoints as they are", description = "Each with its URLs, whether it is "
            + "enabled, and its secret's hint.")
    public Uni<PartResult> get(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId) {
        check(tenantId, workflowId);
        return deployments.observed(tenantId, workflowId);
    }

    @DELETE
    @Operation(summary = "Remove the workflow's endpoints", description = "Their URLs answer 404 from then on "
            + "(within the endpoint cache's TTL on other replicas). Answers what was removed.")
    public Uni<PartResult> delete(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId) {
        check(tenantId, workflowId);
        return deployments.remove(tenantId, workflowId);
    }
}
