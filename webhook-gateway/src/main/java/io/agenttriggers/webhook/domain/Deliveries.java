package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** How a verified, parsed delivery becomes a trigger event; shared by the ingress path and the dry run. */
public final class Deliveries {

    /** Headers worth giving the agent. Credentials and signatures never pass. */
    static final List<String> FORWARDED_HEADERS = List.of("content-type", "user-agent", "x-request-id",
            "x-github-event", "x-github-delivery", "x-github-hook-id", "webhook-id", "x-shopify-topic",
            "x-shopify-shop-domain", "x-shopify-webhook-id", "x-replay-of");

    private Deliveries() {
    }

    /** What the gateway answers itself instead of publishing (GitHub ping, Slack URL verification), if anything. */
    public static Map<String, String> handshake(EndpointSpec spec, JsonNode payload, UnaryOperator<String> header) {
        AuthType type = spec.auth().type();
        if (type == AuthType.SLACK && "url_verification".equals(payload.path("type").asText())) {
            return Map.of("challenge", payload.path("challenge").asText());
        }
        if (type.github() && "ping".equals(header.apply("X-GitHub-Event"))) {
            return Map.of("status", "ignored", "reason", "ping");
        }
        return null;
    }

    /** The event name: the endpoint's, with GitHub's event type appended ({@code github.push}). */
    public static String eventName(EndpointSpec spec, UnaryOperator<String> header) {
        String githubEvent = header.apply("X-GitHub-Event");
        return spec.auth().type().github() && githubEvent != null && githubEvent.matches("[a-z_]{1,64}")
                ? spec.eventName() + "." + githubEvent : spec.eventName();
    }

    public static TriggerEvent event(Endpoint endpoint, JsonNode payload, UnaryOperator<String> header,
            String deliveryId) {
        EndpointSpec spec = endpoint.spec();
        return TriggerEvent.builder(TriggerType.WEBHOOK, endpoint.source(), eventName(spec, header), spec.tenantId())
                .dedupKey(deliveryId == null ? null : endpoint.id() + ":" + deliveryId)
                .focus(spec.focus())
                .workflowId(spec.workflowId())
                .responseMode(spec.responseMode())
                .traceparent(io.agenttriggers.common.trace.TraceContext.currentOr(header.apply("traceparent")))
                .data(new TriggerData(payload, forwarded(header), null))
                .build();
    }

    static Map<String, String> forwarded(UnaryOperator<String> header) {
        Map<String, String> out = new TreeMap<>();
        for (String name : FORWARDED_HEADERS) {
            String value = header.apply(name);
            if (value != null && value.length() <= 512) {
                out.put(name, value);
            }
        }
        return out;
    }
}
