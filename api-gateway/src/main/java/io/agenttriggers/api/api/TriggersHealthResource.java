package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.api.deployment.DeploymentStore;
import io.agenttriggers.api.deployment.PartClient;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Whether workflow triggers can be deployed and served now (the workflow-scheduler seed's trigger health): each
 * service that holds a part of deployments, ready or not and why, and the deployments by state within the token's
 * tenants. Always 200: {@code status} says UP, or DEGRADED when a part's service is not ready or a deployment waits.
 */
@Path("/api/v1/triggers/health")
@Tag(name = "Workflow deployments")
@Produces(MediaType.APPLICATION_JSON)
public class TriggersHealthResource {

    @Inject
    PartClient parts;

    @Inject
    DeploymentStore store;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER })
    @Operation(summary = "Health of workflow triggers", description = "Per part (api, cron, manual, webhook) its "
            + "service's readiness (each asked for at most 3 s), and the deployments by state (pending, ready, "
            + "deleting) within the token's tenants. status is UP or DEGRADED.")
    public Uni<ObjectNode> health() {
        // Answers arrive on the rest clients' threads.
        Map<String, String> unready = new java.util.concurrent.ConcurrentHashMap<>();
        return Multi.createFrom().iterable(parts.parts())
                .onItem().transformToUniAndMerge(p -> parts.unready(p).invoke(why -> unready.put(p,
                        why == null ? "" : why)))
                .collect().asList()
                .chain(ignored -> store.countByState(TenantScope.restriction(identity)))
                .map(byState -> {
                    ObjectNode out = EventJson.MAPPER.createObjectNode();
                    boolean degraded = byState.getOrDefault("pending", 0L) > 0
                            || byState.getOrDefault("deleting", 0L) > 0;
                    ObjectNode services = EventJson.MAPPER.createObjectNode();
                    for (String p : new java.util.TreeSet<>(unready.keySet())) {
                        String why = unready.get(p);
                        ObjectNode s = services.putObject(p).put("status", why.isEmpty() ? "UP" : "DOWN");
                        if (!why.isEmpty()) {
                            s.put("reason", why);
                            degraded = true;
                        }
                    }
                    out.put("status", degraded ? "DEGRADED" : "UP");
                    out.set("parts", services);
                    ObjectNode deployments = out.putObject("deployments");
                    byState.forEach(deployments::put);
                    return out;
                });
    }
}
