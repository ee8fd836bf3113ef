package io.agenttriggers.api.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The agent-dispatcher's run API, which holds the ledger. */
@RegisterRestClient(configKey = "dispatcher")
@Path("/api/v1/runs")
public interface DispatcherRunsApi {

    @GET
    @Path("{runId}")
    Uni<Response> get(@PathParam("runId") String runId, @HeaderParam("Authorization") String authorization);
}
