package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.api.client.DispatcherClient;
import io.agenttriggers.api.domain.ApiTrigger;
import io.agenttriggers.api.persistence.AcceptedRuns;
import io.agenttriggers.api.persistence.ApiKeyStore;
import io.agenttriggers.api.persistence.RouteRegistry;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.AuthConfig;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The result of a run, for the callers of API triggers: {@code completed} with the result once the run succeeded,
 * otherwise the run's status ({@code queued} until the ledger has it, so an id this gateway returned never reads
 * 404). Readable with an API key or a bearer token of the run's tenant, or with the run id alone when the trigger
 * needed no credentials.
 */
@Path("/runs")
@Tag(name = "Runs")
public class RunResultResource {

    @Inject
    DispatcherClient dispatcher;

    @Inject
    AcceptedRuns acceptedRuns;

    @Inject
    ApiKeyStore keys;

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    AuthConfig auth;

    @Inject
    RouteRegistry routes;

    @GET
    @Path("{runId}/result")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Read a run's result", description = "{runId, status, result} where status is 'completed' "
            + "for a successful run, else the run's status (queued, running, failed, rejected, ...).")
    public Uni<ObjectNode> result(@PathParam("runId") String runId, @HeaderParam("X-API-Key") String apiKey,
            @HeaderParam("Authorization") String authorization) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7");
        }
        String ledgerToken = auth.adminToken().map(t -> "Bearer " + t).orElse(authorization);
        return Uni.combine().all()
                .unis(acceptedRuns.find(runId), dispatcher.run(runId, ledgerToken))
                .asTuple()
                .chain(t -> {
                    Optional<AcceptedRuns.AcceptedRun> accepted = t.getItem1();
                    Optional<JsonNode> run = t.getItem2();
                    String tenant = run.map(r -> r.path("tenantId").asText(null))
                            .orElse(accepted.map(AcceptedRuns.AcceptedRun::tenantId).orElse(null));
                    if (tenant == null) {
                        throw ProblemException.notFound("run_not_found", "No run " + runId);
                    }
                    boolean open = accepted.map(AcceptedRuns.AcceptedRun::publicResult).orElse(false);
                    return authorize(tenant, accepted, open, apiKey, authorization)
                            .map(ok -> view(runId, run, accepted));
                });
    }

    private Uni<Void> authorize(String tenant, Optional<AcceptedRuns.AcceptedRun> accepted, boolean open,
            String apiKey, String authorization) {
        ProblemException notFound = ProblemException.notFound("run_not_found", "No run visible to these credentials");
        if (apiKey != null) {
            return keys.lookup(apiKey.trim()).map(found -> {
                ApiKeyStore.ApiKey key = found.filter(k -> k.usable(OffsetDateTime.now())).orElseThrow(() ->
                        Callers.unauthorized("invalid_api_key", "The API key is unknown, revoked or expired"));
                if (!key.tenantId().equals(tenant) || !mayRead(key, accepted)) {
                    throw notFound;
                }
                return null;
            });
        }
        if (authorization != null) {
            return identities.getDeferredIdentity()
                    .onFailure().transform(e -> Callers.unauthorized("invalid_token", "The bearer token is not valid"))
                    .map(identity -> {
                        if (identity.isAnonymous()) {
                            throw Callers.unauthorized("invalid_token", "Only Authorization: Bearer tokens are accepted");
                        }
                        if (!TenantScope.allows(identity, tenant)) {
                            throw notFound;
                        }
                        return null;
                    });
        }
        if (open) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().failure(Callers.unauthorized("missing_credentials",
                "Reading this run needs an X-API-Key or an Authorization: Bearer token of its tenant"));
    }

    /**
     * A key limited to some triggers reads the runs of those triggers only; a run that no API trigger started (a
     * webhook's, a schedule's) is not one of them.
     */
    private boolean mayRead(ApiKeyStore.ApiKey key, Optional<AcceptedRuns.AcceptedRun> accepted) {
        if (key.triggers() == null || key.triggers().isEmpty()) {
            return true;
        }
        if (accepted.isEmpty() || accepted.get().triggerId() == null) {
            return false;
        }
        String triggerId = accepted.get().triggerId();
        ApiTrigger trigger = routes.table().byId().get(triggerId);
        return key.allows(triggerId, trigger == null ? null : trigger.name());
    }

    private static ObjectNode view(String runId, Optional<JsonNode> run, Optional<AcceptedRuns.AcceptedRun> accepted) {
        ObjectNode out = EventJson.MAPPER.createObjectNode();
        out.put("runId", runId);
        if (run.isEmpty()) {
            out.put("status", "queued");
            accepted.ifPresent(a -> out.put("queuedAt", a.acceptedAt().toString()));
            return out;
        }
        JsonNode r = run.get();
        String status = r.path("status").asText();
        boolean completed = status.equals("succeeded") || status.equals("fallback_succeeded");
        out.put("status", completed ? "completed" : status);
        out.put("runStatus", status);
        if (r.hasNonNull("result")) {
            out.set("result", r.get("result"));
        }
        for (String field : new String[] { "reason", "error", "decisionMode", "originalRunId", "finishedAt" }) {
            if (r.hasNonNull(field)) {
                out.set(field, r.get(field));
            }
        }
        return out;
    }
}
