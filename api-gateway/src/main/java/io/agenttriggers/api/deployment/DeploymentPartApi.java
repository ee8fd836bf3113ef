package io.agenttriggers.api.deployment;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A service's part of workflow deployments (the same routes on every service that owns triggers). */
@Path("/internal/v1/deployments/{tenantId}/{workflowId}")
public interface DeploymentPartApi {

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> put(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId,
            @QueryParam("dryRun") boolean dryRun, String part, @HeaderParam("Authorization") String authorization);

    @GET
    Uni<Response> get(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId,
            @HeaderParam("Authorization") String authorization);

    @DELETE
    Uni<Response> delete(@PathParam("tenantId") String tenantId, @PathParam("workflowId") String workflowId,
            @HeaderParam("Authorization") String authorization);
}
