package io.agenttriggers.governance.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.governance.domain.PolicyEngine;
import io.agenttriggers.governance.domain.Verdict;
import io.agenttriggers.governance.persistence.PolicyCache;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What an event would get right now, and why, without consuming any limit. */
@Path("/api/v1/evaluate")
@Tag(name = "Policies")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluateResource {

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyCache cache;

    @Inject
    SecurityIdentity identity;

    /** The would-be decision. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evaluation(String verdict, String reason, String policyId, String policyName, int policyVersion,
            String detail, Duration retryAfter, boolean degraded, List<String> matched,
            List<String> conditionErrors) {
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dry-run the policies against a sample event", description = "Answers the verdict, the "
            + "deciding policy, the reason and retryAfter, and every matching policy. Consumes nothing. To a token "
            + "scoped to tenants, global policies appear as (global), without id, version or detail.")
    public Uni<Evaluation> evaluate(EvaluateRequest request) {
        TriggerEvent event = event(request);
        TenantScope.check(identity, event.tenantId());
        boolean scoped = TenantScope.restriction(identity).isPresent();
        // The set is read after the dry run: it only moves forward, so it knows every policy the run used.
        return engine.dryRun(event).chain(d -> cache.current()
                .map(policies -> evaluation(d, event.tenantId(), PolicyRedaction.of(scoped, policies))));
    }

    private static Evaluation evaluation(PolicyEngine.Decision d, String tenantId, PolicyRedaction redaction) {
        Verdict v = d.verdict();
        boolean shown = redaction.showsPolicy(v.policyId());
        return new Evaluation(v.verdict(), v.reason() == null ? null : v.reason().wire(),
                shown ? v.policyId() : null, shown ? v.policyName() : PolicyRedaction.GLOBAL,
                shown ? v.policyVersion() : 0, redaction.detail(tenantId, v.policyId(), v.detail()), v.retryAfter(),
                v.degraded(), redaction.entries(tenantId, d.matched()), redaction.entries(tenantId, d.conditionErrors()));
    }

    static TriggerEvent event(EvaluateRequest r) {
        if (r == null) {
            throw ProblemException.badRequest("empty_body", "Send {\"tenantId\", \"triggerType\", \"eventName\", ...}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (r.tenantId() == null || r.tenantId().isBlank()) {
            errors.add(new FieldError("tenantId", "is required"));
        }
        if (r.eventName() == null || r.eventName().isBlank()) {
            errors.add(new FieldError("eventName", "is required"));
        }
        TriggerType type = TriggerType.MANUAL;
        if (r.triggerType() != null) {
            try {
                type = TriggerType.fromWire(r.triggerType());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("triggerType", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_event", "Invalid event", "The sample event is not valid", errors);
        }
        try {
            TriggerEvent.Builder b = TriggerEvent.builder(type,
                    r.source() == null ? "/manual/" + r.eventName() : r.source(), r.eventName(), r.tenantId())
                    .data(new TriggerData(r.payload(), r.headers() == null ? java.util.Map.of() : r.headers(), null));
            if (r.focus() != null) {
                b.focus(r.focus());
            }
            if (r.dedupKey() != null) {
                b.dedupKey(r.dedupKey());
            }
            if (r.workflowId() != null) {
                b.workflowId(r.workflowId());
            }
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ProblemException(422, "invalid_event", "Invalid event", e.getMessage());
        }
    }
}
