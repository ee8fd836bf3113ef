package io.agenttriggers.dispatcher.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The agent runtime's HTTP contract. */
@RegisterRestClient(configKey = "agent-runtime")
@Path("/v1/runs")
public interface AgentRuntimeApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> start(@HeaderParam("Idempotency-Key") String idempotencyKey,
            @HeaderParam("traceparent") String traceparent, RuntimeRequest request);

    @GET
    @Path("{agentRunId}")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> get(@PathParam("agentRunId") String agentRunId);
}
