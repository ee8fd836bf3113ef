package io.agenttriggers.governance.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The agent-dispatcher's run API (the ledger), as an alert rule's dry run reads it. */
@RegisterRestClient(configKey = "dispatcher")
@Path("/api/v1/runs")
public interface LedgerApi {

    @GET
    Uni<Response> list(@QueryParam("tenantId") String tenantId, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor,
            @HeaderParam("Authorization") String authorization);
}
