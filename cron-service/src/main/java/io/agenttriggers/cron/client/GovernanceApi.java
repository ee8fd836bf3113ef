package io.agenttriggers.cron.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** governance-service's policy API: a schedule's governance block lives there as a policy. */
@RegisterRestClient(configKey = "governance")
@Path("/api/v1/policies")
@Consumes(MediaType.APPLICATION_JSON)
public interface GovernanceApi {

    @POST
    Uni<Response> create(String policy, @HeaderParam("Authorization") String authorization);

    @PUT
    @Path("{id}")
    Uni<Response> update(@PathParam("id") String id, String policy, @HeaderParam("Authorization") String authorization);

    @DELETE
    @Path("{id}")
    Uni<Response> delete(@PathParam("id") String id, @HeaderParam("Authorization") String authorization);
}
