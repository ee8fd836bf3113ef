package io.agenttriggers.webhook.api;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.BodyParser;
import io.agenttriggers.webhook.domain.Deliveries;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.agenttriggers.webhook.domain.Prepared;
import io.agenttriggers.webhook.messaging.TriggerPublisher;
import io.agenttriggers.webhook.persistence.EndpointStore;
import io.agenttriggers.webhook.persistence.EventLog;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The event log: what each endpoint received and what became of it; replay of logged deliveries. */
@Path("/api/v1/events")
@Tag(name = "Event log")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

    @Inject
    EventLog log;

    @Inject
    EndpointStore endpoints;

    @Inject
    TriggerPublisher publisher;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    SecurityIdentity identity;

    private BodyParser parser;

    @PostConstruct
    void init() {
        parser = new BodyParser(config.maxDepth(), config.maxFields());
    }

    @GET
    @Path("{eventId}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "One logged request with its (redacted) headers and body")
    public Uni<EventView> get(@PathParam("eventId") String eventId) {
        return visible(eventId).map(EventView::of);
    }

    @POST
    @Path("{eventId}/replay")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Publish a logged delivery again", description = "Runs it through the endpoint's current "
            + "parse, filter and transform (not its signature check: it passed when it came in) and publishes it "
            + "with a new run id. 202 {runId, status, replayOf}.")
    public Uni<Response> replay(@PathParam("eventId") String eventId) {
        return visible(eventId).chain(original -> {
            if (!EventView.replayable(original)) {
                throw new ProblemException(409, "not_replayable", "Conflict", original.bodyTruncated
                        ? "The body was too large to be logged whole" : "Only deliveries that passed verification "
                                + "can be replayed");
            }
            return endpoints.find(original.endpointId).chain(found -> {
                Endpoint endpoint = found.filter(e -> e.spec().isEnabled()).orElseThrow(() -> new ProblemException(
                        409, "endpoint_gone", "Conflict", "The endpoint was deleted or disabled"));
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(original.headers);
                headers.put("x-replay-of", original.id);
                Map<String, String> lower = new HashMap<>();
                headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
                byte[] body = original.body == null ? new byte[0] : original.body;
                Prepared prepared = Prepared.of(endpoint, parser, original.contentType, body, headers::get, lower,
                        Instant.now(), false);
                if (prepared.handshake() != null || prepared.filteredBecause() != null) {
                    throw new ProblemException(409, "filtered", "Conflict", "The endpoint's current configuration "
                            + "does not publish this delivery" + (prepared.filteredBecause() == null ? ""
                                    : ": " + prepared.filteredBecause()));
                }
                TriggerEvent event = Deliveries.event(endpoint, prepared.payload(), headers::get, null);
                LoggedRequest entry = replayEntry(original, event.id());
                return publisher.publish(endpoint, event, null)
                        .call(() -> log.write(entry))
                        .map(ignored -> Response.accepted(Map.of("runId", event.id(), "status", "accepted",
                                "replayOf", original.id)).location(java.net.URI.create("/api/v1/runs/" + event.id()))
                                .build());
            });
        });
    }

    private static LoggedRequest replayEntry(LoggedRequest original, String runId) {
        LoggedRequest entry = new LoggedRequest();
        entry.id = RunIds.next();
        entry.endpointId = original.endpointId;
        entry.tenantId = original.tenantId;
        entry.receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
        entry.method = "REPLAY";
        entry.headers = original.headers;
        entry.contentType = original.contentType;
        entry.body = original.body;
        entry.bodySize = original.bodySize;
        entry.verified = true;
        entry.statusCode = 202;
        entry.outcome = "accepted";
        entry.runId = runId;
        entry.replayOf = original.id;
        return entry;
    }

    private Uni<LoggedRequest> visible(String eventId) {
        return log.find(eventId).map(found -> found.filter(r -> TenantScope.allows(identity, r.tenantId))
                .orElseThrow(() -> ProblemException.notFound("event_not_found", "No logged request " + eventId)));
    }
}
