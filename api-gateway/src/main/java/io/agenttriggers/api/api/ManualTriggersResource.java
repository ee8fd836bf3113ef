package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.api.persistence.ManualTriggerStore;
import io.agenttriggers.api.domain.ManualTriggerSpec;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Fires manual triggers (registered under {@code /admin/v1/manual-triggers}): operators call
 * {@code POST /api/v1/manual/{eventName}}. One that asks for confirmation answers the first call
 * with a single-use token ({@code 202 {confirmationToken, expiresAt}}) and runs only on a second call carrying it.
 */
@Path("/api/v1/manual")
@Tag(name = "Manual triggers")
@Produces(MediaType.APPLICATION_JSON)
public class ManualTriggersResource {

    @Inject
    ManualTriggerStore store;

    @Inject
    ManualFiring firing;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("{eventName}")
    @Authenticated
    @Operation(summary = "Fire a manual trigger", description = "Runs the tenant's manual trigger for the event name "
            + "with the optional JSON body as payload: 202 {runId}. A trigger that asks for confirmation answers the "
            + "first call 202 {confirmationToken, expiresAt} without running; the second call, with the token in "
            + "X-Confirmation-Token, runs it (the body may be left out; if sent it must be the same). Expired or "
            + "reused tokens are refused (409). With several tenants in scope, pass tenantId.")
    public Uni<Response> fire(@PathParam("eventName") String eventName, @QueryParam("tenantId") String tenantId,
            @HeaderParam("X-Confirmation-Token") String token, @Context HttpHeaders headers, byte[] body) {
        if (!ManualTriggerSpec.isEventName(eventName)) {
            // No trigger has such a name, and a NUL in it would not even reach the store (PostgreSQL refuses it).
            throw ProblemException.badRequest("invalid_event_name",
                    "eventName must be 1-200 letters, digits, '.', '_', ':' or '-'");
        }
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        JsonNode payload = firing.payload(headers, body);
        return store.byEventName(eventName, TenantScope.restriction(identity), tenantId).chain(found -> {
            List<ManualTriggerStore.Stored> enabled = found.stream().filter(s -> s.spec().isEnabled()).toList();
            if (enabled.isEmpty()) {
                throw ProblemException.notFound("manual_trigger_not_found", "No enabled manual trigger for "
                        + eventName + (tenantId == null ? "" : " in tenant " + tenantId));
            }
            if (enabled.size() > 1) {
                throw ProblemException.badRequest("tenant_required", "Several tenants have a manual trigger for "
                        + eventName + "; pass ?tenantId=");
            }
            return firing.fire(enabled.get(0), token, payload, body.length > 0);
        });
    }
}
