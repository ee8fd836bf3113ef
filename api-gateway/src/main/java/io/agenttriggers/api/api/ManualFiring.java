package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.JsonBodies;
import io.agenttriggers.api.domain.ManualTriggerSpec;
import io.agenttriggers.api.domain.Sanitizer;
import io.agenttriggers.api.persistence.ConfirmationStore;
import io.agenttriggers.api.persistence.ManualTriggerStore;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.overload.AdmissionLimit;
import io.agenttriggers.common.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fires one manual trigger for the caller: its roles, then either a run at once or the confirmation step (a
 * single-use token first, the run on the call that brings it back). Shared by the routes that find a manual trigger
 * by event name and by workflow.
 */
@ApplicationScoped
public class ManualFiring {

    /** What a confirmation token stands for (kept in Redis until redeemed or expired). */
    record Pending(String triggerId, String principal, JsonNode payload) {
    }

    @Inject
    ConfirmationStore confirmations;

    @Inject
    TriggerRuns runs;

    @Inject
    SecurityIdentity identity;

    @Inject
    ApiGatewayConfig config;

    @Inject
    MeterRegistry registry;

    private JsonBodies bodies;
    private Sanitizer sanitizer;

    @PostConstruct
    void init() {
        bodies = new JsonBodies(config.maxBodyBytes(), config.maxJsonDepth());
        sanitizer = new Sanitizer(java.util.Set.copyOf(config.dropFields()));
    }

    /** The request body as the run's payload: an empty object when there is none; JSON only. */
    JsonNode payload(HttpHeaders headers, byte[] body) {
        if (body == null || body.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!ApiTriggerResource.isJson(headers.getMediaType())) {
            throw new ProblemException(415, "unsupported_media_type", "Unsupported media type",
                    "Send the body as application/json, not " + headers.getMediaType());
        }
        return sanitizer.sanitize(bodies.parse(body));
    }

    /** Fires {@code trigger} with {@code payload}; {@code token} is the confirmation, if the call brings one. */
    Uni<Response> fire(ManualTriggerStore.Stored trigger, String token, JsonNode payload, boolean bodySent) {
        String eventName = trigger.spec().eventName();
        if (trigger.spec().rolesOrDefault().stream().noneMatch(identity::hasRole)) {
            throw new ProblemException(403, "role_not_allowed", "Forbidden", "Firing " + eventName + " needs one "
                    + "of the roles " + trigger.spec().rolesOrDefault());
        }
        String principal = identity.getPrincipal().getName();
        if (!trigger.spec().confirms()) {
            return run(trigger, payload, principal);
        }
        if (token == null) {
            return confirm(trigger, payload, principal);
        }
        return confirmations.redeem(token.trim()).chain(redeemed -> {
            Pending pending = redeemed.map(json -> EventJson.read(json, Pending.class)).orElseThrow(() ->
                    new ProblemException(409, "confirmation_invalid", "Conflict", "The confirmation token is "
                            + "unknown, expired or already used; call again without it for a new one"));
            if (!pending.triggerId().equals(trigger.id()) || !pending.principal().equals(principal)) {
                throw new ProblemException(409, "confirmation_invalid", "Conflict", "The confirmation token was "
                        + "issued for another trigger or caller");
            }
            if (bodySent && !pending.payload().equals(payload)) {
                throw new ProblemException(422, "confirmation_payload_mismatch", "Unprocessable content",
                        "The body differs from the one confirmed; leave it out or send the same");
            }
            registry.counter("api_manual_confirmations_total", "result", "confirmed").increment();
            return run(trigger, pending.payload(), principal);
        });
    }

    private Uni<Response> confirm(ManualTriggerStore.Stored trigger, JsonNode payload, String principal) {
        Duration ttl = Duration.ofSeconds(trigger.spec().confirmationTtl());
        OffsetDateTime expiresAt = OffsetDateTime.now().plus(ttl);
        String pending = EventJson.write(new Pending(trigger.id(), principal, payload));
        return confirmations.issue(pending, ttl).map(token -> {
            registry.counter("api_manual_confirmations_total", "result", "issued").increment();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("status", "confirmation_required");
            out.put("confirmationToken", token);
            out.put("expiresAt", expiresAt.toString());
            out.put("tenantId", trigger.spec().tenantId());
            out.put("eventName", trigger.spec().eventName());
            return Response.accepted(out).build();
        });
    }

    private Uni<Response> run(ManualTriggerStore.Stored trigger, JsonNode payload, String principal) {
        ManualTriggerSpec spec = trigger.spec();
        TriggerEvent event = TriggerEvent.builder(TriggerType.MANUAL, "/manual/" + trigger.id(), spec.eventName(),
                        spec.tenantId())
                .focus(spec.focus())
                .workflowId(spec.workflowId())
                .responseMode(ResponseMode.ASYNC)
                .data(new TriggerData(payload, Map.of("x-fired-by", principal), spec.options()))
                .build();
        return runs.start(new TriggerRuns.Start(event, trigger.id(), false, ResponseMode.ASYNC, Duration.ZERO,
                null, null, AdmissionLimit.unlimited()));
    }
}
