package io.agenttriggers.cron.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The agent-dispatcher's run API (the ledger): a schedule's runs are those with source /cron/{id}. */
@RegisterRestClient(configKey = "dispatcher")
@Path("/api/v1/runs")
public interface LedgerApi {

    @GET
    Uni<Response> list(@QueryParam("source") String source, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor, @HeaderParam("Authorization") String authorization);

    @GET
    @Path("stats")
    Uni<Response> stats(@QueryParam("source") String source, @HeaderParam("Authorization") String authorization);
}
