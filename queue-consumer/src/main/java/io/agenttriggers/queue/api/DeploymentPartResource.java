package io.agenttriggers.queue.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.queue.deployment.SourceDeployments;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
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
 * The queue part of workflow deployments, for the api-gateway's deployment controller: the sources (Kafka, AMQP,
 * SQS, IMAP) one workflow holds, set whole. Admin only; users deploy through {@code /api/v1/deployment/workflows}.
 */
@Path("/internal/v1/deployments/{tenantId}/{workflowId}")
@Tag(name = "Workflow deployments (internal)")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeploymentPartResource {

    /** The sources of one deployment version, each as the sources file declares one. */
    public record Part(Integer version, List<ObjectNode> triggers) {
    }

    @Inject
    SourceDeployments deployments;

    @Inject
    SecurityIdentity identity;

    private void check(String tenantId, String workflowId) {
        Ownership.requireIds(tenantId, workflowId);
        TenantScope.check(identity, tenantId);
    }

    @PUT
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the workflow's sources", description = "Creates, changes and deletes the sources the "
            + "workflow's deployment holds so that they are the ones sent (recognised by name); every replica runs "
            + "them within the sync interval. Credentials are secret:<name> references to the tenant's secrets. 422 "
            + "names every invalid field as triggers[i].field and changes nothing; dryRun=true answers the plan only.")
    public Uni<PartResult> put(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId,
            @QueryParam("dryRun") boolean dryRun, Part part) {
        check(tenantId, workflowId);
        List<ObjectNode> owned = DeploymentPart.accept(tenantId, part == null ? null : part.triggers(),
                SourceDeployments::tenantOf, s -> SourceDeployments.ownedBy(s, tenantId, workflowId),
                specs -> deployments.check(tenantId, specs), "Invalid sources");
        return deployments.checkTenantBound(tenantId, workflowId, owned.size())
                .chain(() -> deployments.apply(tenantId, workflowId, part.version(), owned, !dryRun));
    }

    @GET
    @Operation(summary = "The workflow's sources as they are", description = "Each with its name on every replica "
            + "(tenant:workflow:trigger), its revision, and its state on the replica that answers.")
    public Uni<PartResult> get(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId) {
        check(tenantId, workflowId);
        return deployments.observed(tenantId, workflowId);
    }

    @DELETE
    @Operation(summary = "Remove the workflow's sources", description = "Every replica stops them within the sync "
            + "interval (in-flight messages finish). Answers what was removed.")
    public Uni<PartResult> delete(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId) {
        check(tenantId, workflowId);
        return deployments.remove(tenantId, workflowId);
    }
}
