package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTrigger;
import io.agenttriggers.api.domain.JsonBodies;
import io.agenttriggers.api.domain.RouteTable;
import io.agenttriggers.api.messaging.TriggerPublisher;
import io.agenttriggers.api.persistence.AcceptedRuns;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Serves the API triggers: a JSON request to a trigger's path becomes a trigger event on
 * {@code triggers.inbound}, answered {@code 202} only after Kafka acknowledged it.
 */
@Path("/api")
@Tag(name = "API triggers")
public class ApiTriggerResource {

    private static final Logger LOG = Logger.getLogger(ApiTriggerResource.class);

    @Inject
    ApiGatewayConfig config;

    @Inject
    TriggerPublisher publisher;

    @Inject
    AcceptedRuns acceptedRuns;

    @Inject
    MeterRegistry registry;

    private RouteTable routes;
    private JsonBodies bodies;

    @PostConstruct
    void init() {
        List<ApiTrigger> triggers = config.routes().entrySet().stream()
                .map(e -> new ApiTrigger(e.getKey(), e.getValue().method(), e.getValue().path(),
                        e.getValue().eventName(), e.getValue().tenantId(), e.getValue().responseMode(),
                        e.getValue().focus().orElse(null)))
                .toList();
        routes = new RouteTable(triggers);
        bodies = new JsonBodies(config.maxBodyBytes(), config.maxJsonDepth());
    }

    @POST
    @Path("{path: .+}")
    @Consumes({ MediaType.APPLICATION_JSON, "application/*+json" })
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fire an API trigger", description = "Publishes the JSON body as a trigger event and "
            + "answers 202 with the run id once the event is durable on Kafka.")
    @APIResponse(responseCode = "202", description = "Accepted; poll the Location for the run")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "404", description = "No API trigger at this path")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @APIResponse(responseCode = "503", description = "The event could not be made durable; retry after Retry-After")
    public Uni<Response> fire(@PathParam("path") String path, byte[] body, HttpHeaders headers) {
        ApiTrigger trigger = resolve(HttpMethod.POST, "/api/" + path);
        JsonNode payload = bodies.parse(body);
        TriggerEvent event = TriggerEvent.builder(TriggerType.API, trigger.source(), trigger.eventName(),
                        trigger.tenantId())
                .focus(trigger.focus())
                .responseMode(trigger.responseMode())
                .traceparent(headers.getHeaderString("traceparent"))
                .data(new TriggerData(payload, allowListed(headers), null))
                .build();
        return acceptedRuns.record(event.id(), event.tenantId(), trigger.id(), event.eventName())
                .chain(() -> publisher.publish(event)
                        .onFailure().call(e -> acceptedRuns.forget(event.id()).onFailure().recoverWithNull()))
                .onFailure().transform(e -> {
                    LOG.warnf("Could not make event %s of trigger %s durable: %s", event.id(), trigger.id(),
                            e.toString());
                    registry.counter("triggers_publish_failures_total", "trigger", trigger.id()).increment();
                    return ProblemException.unavailable("not_durable",
                            "The event could not be stored; nothing was started. Retry later.", 5);
                })
                .map(ignored -> {
                    registry.counter("triggers_accepted_total", "trigger", trigger.id(), "tenant",
                            trigger.tenantId()).increment();
                    return Response.accepted(new Accepted(event.id(), "accepted"))
                            .location(URI.create("/api/v1/runs/" + event.id()))
                            .build();
                });
    }

    private ApiTrigger resolve(String method, String path) {
        return routes.find(method, path).orElseThrow(() -> {
            List<String> allowed = routes.methodsAt(path);
            if (allowed.isEmpty()) {
                return ProblemException.notFound("unknown_trigger", "No API trigger is registered at " + path);
            }
            return new ProblemException(405, "method_not_allowed", "Method not allowed",
                    method + " is not served at " + path).withHeader("Allow", String.join(", ", allowed));
        });
    }

    /** Headers worth giving the agent; credentials never pass. */
    private static Map<String, String> allowListed(HttpHeaders headers) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String name : List.of("user-agent", "x-request-id", "content-type")) {
            String value = headers.getHeaderString(name);
            if (value != null && value.length() <= 512) {
                out.put(name, value);
            }
        }
        return out;
    }
}
