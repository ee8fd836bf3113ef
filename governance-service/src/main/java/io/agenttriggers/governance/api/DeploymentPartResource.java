package io.agenttriggers.governance.api;

import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.governance.domain.PolicySpec;
import io.agenttriggers.governance.persistence.PolicyDeployments;
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
 * The governance part of workflow deployments, for the api-gateway's deployment controller: the workflow's
 * governance block as its one policy ({@code triggers} holds none or one). Admin only; users deploy through
 * {@code /api/v1/deployment/workflows}.
 */
@Path("/internal/v1/deployments/{tenantId}/{workflowId}")
@Tag(name = "Workflow deployments (internal)")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeploymentPartResource {

    /** The governance block of one deployment version: none, or one policy. */
    public record Part(Integer version, List<PolicySpec> triggers) {
    }

    @Inject
    PolicyDeployments deployments;

    @Inject
    SecurityIdentity identity;

    private void check(String tenantId, String workflowId) {
        Ownership.requireIds(tenantId, workflowId);
        TenantScope.check(identity, tenantId);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the workflow's policy", description = "Creates, changes or deletes the policy of "
            + "the workflow's governance block (named workflow-{workflowId}, matching the workflow's events). 422 "
            + "names every invalid field as triggers[0].field and changes nothing; dryRun=true answers the plan only.")
    public Uni<PartResult> put(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId,
            @QueryParam("dryRun") boolean dryRun, Part part) {
        check(tenantId, workflowId);
        List<PolicySpec> owned = DeploymentPart.accept(tenantId, part == null ? null : part.triggers(),
                PolicySpec::tenantId, s -> PolicyDeployments.owned(s, tenantId, workflowId), deployments::check,
                "Invalid governance block");
        return deployments.apply(tenantId, workflowId, part.version(), owned, !dryRun);
    }

    @GET
    @Operation(summary = "The workflow's policy as it is")
    public Uni<PartResult> get(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId) {
        check(tenantId, workflowId);
        return deployments.observed(tenantId, workflowId);
    }

    @DELETE
    @Operation(summary = "Remove the workflow's policy", description = "Its limits stop applying within the "
            + "policy refresh interval. Answers what was removed.")
    public Uni<PartResult> delete(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId) {
        check(tenantId, workflowId);
        return deployments.remove(tenantId, workflowId);
    }
}
