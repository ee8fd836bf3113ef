package io.agenttriggers.governance.api;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.run.RejectionReason;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.messaging.DecisionStream;
import io.agenttriggers.governance.persistence.DecisionLog;
import io.agenttriggers.governance.persistence.DecisionLog.DecisionRecord;
import io.agenttriggers.governance.persistence.PolicyCache;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The decision audit, for dashboards: every event's verdict, the policy that gave it, and why; also live. */
@Path("/api/v1/decisions")
@Tag(name = "Decisions")
@RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
@Produces(MediaType.APPLICATION_JSON)
public class DecisionsResource {

    @Inject
    DecisionLog decisions;

    @Inject
    DecisionStream stream;

    @Inject
    GovernanceConfig config;

    @Inject
    PolicyCache cache;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "List decisions, newest first", description = "Filters: tenantId, eventName, workflowId, "
            + "verdict (approved|rejected), reason, from/to (ISO-8601, decision time).")
    public Uni<Page<DecisionRecord>> list(@QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName, @QueryParam("workflowId") String workflowId,
            @QueryParam("verdict") String verdict,
            @QueryParam("reason") String reason, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        DecisionLog.Filter filter = filter(identity, tenantId, eventName, workflowId, verdict, reason, from, to);
        String after = Page.decode(cursor, RunIds::isRunId);
        return decisions.list(filter, after, size + 1).chain(rows -> redaction(filter.tenants().isPresent())
                .map(r -> Page.of(rows.stream().map(r::apply).toList(), size, DecisionRecord::runId)));
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live decisions (Server-Sent Events)", description = "Every decision from now on, from "
            + "every replica, filtered like the list (tenantId, eventName, workflowId, verdict, reason). To a token scoped to "
            + "tenants, global policies appear as (global), without id, version or detail. The server ends a "
            + "stream after triggers.governance.stream-max-duration; clients reconnect. A comment line opens the stream "
            + "and repeats every triggers.governance.stream-heartbeat, so the answer starts at once and stays busy.")
    public Multi<OutboundSseEvent> stream(@QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName, @QueryParam("workflowId") String workflowId,
            @QueryParam("verdict") String verdict, @QueryParam("reason") String reason, @Context Sse sse) {
        DecisionLog.Filter f = filter(identity, tenantId, eventName, workflowId, verdict, reason, null, null);
        boolean scoped = f.tenants().isPresent();
        Multi<DecisionRecord> live = stream.decisions()
                .filter(d -> f.tenants().map(t -> t.contains(d.tenantId())).orElse(true))
                .filter(d -> f.tenantId() == null || f.tenantId().equals(d.tenantId()))
                .filter(d -> f.eventName() == null || f.eventName().equals(d.eventName()))
                .filter(d -> f.workflowId() == null || f.workflowId().equals(d.workflowId()))
                .filter(d -> f.verdict() == null || f.verdict().equals(d.verdict()))
                .filter(d -> f.reason() == null || f.reason().equals(d.reason()));
        if (scoped) {
            // Per decision: a policy created after the stream opened is judged by the set as it is now.
            live = live.onItem().transformToUniAndConcatenate(d -> redaction(true).map(r -> r.apply(d)));
        }
        Multi<OutboundSseEvent> decisions = live.map(d -> sse.newEventBuilder()
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(DecisionRecord.class, d).build());
        // A comment at once, then one per heartbeat: the response head leaves now rather than with the first
        // decision (proxies hold it until a body arrives), and quiet streams are not cut as idle by proxies.
        Multi<OutboundSseEvent> heartbeats = Multi.createBy().concatenating().streams(
                Multi.createFrom().item(sse.newEventBuilder().comment("live").build()),
                Multi.createFrom().ticks().every(config.streamHeartbeat()).onOverflow().drop()
                        .map(tick -> sse.newEventBuilder().comment("heartbeat").build()));
        return Multi.createBy().merging().streams(heartbeats, decisions).select().first(config.streamMaxDuration());
    }

    @GET
    @Path("{runId}")
    @Operation(summary = "The decision for one event")
    public Uni<DecisionRecord> get(@PathParam("runId") String runId) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7");
        }
        boolean scoped = TenantScope.restriction(identity).isPresent();
        return decisions.find(runId).map(found -> found
                .filter(d -> TenantScope.allows(identity, d.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("decision_not_found", "No decision for run " + runId)))
                .chain(d -> redaction(scoped).map(r -> r.apply(d)));
    }

    /** Global policies as the caller may see them (see {@link PolicyRedaction}). */
    private Uni<PolicyRedaction> redaction(boolean scoped) {
        return cache.current().map(policies -> PolicyRedaction.of(scoped, policies));
    }

    static DecisionLog.Filter filter(SecurityIdentity identity, String tenantId, String eventName,
            String workflowId, String verdict, String reason, String from, String to) {
        if (verdict != null && !verdict.equals("approved") && !verdict.equals("rejected")) {
            throw ProblemException.badRequest("invalid_verdict", "verdict is approved or rejected");
        }
        if (reason != null) {
            try {
                RejectionReason.fromWire(reason);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_reason", "reason is one of " + java.util.Arrays
                        .stream(RejectionReason.values()).map(RejectionReason::wire)
                        .collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        Optional<Set<String>> tenants = TenantScope.restriction(identity);
        return new DecisionLog.Filter(tenants, tenantId, eventName, workflowId, verdict, reason, time("from", from),
                time("to", to));
    }

    static OffsetDateTime time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("invalid_" + name, name + " is an ISO-8601 time with offset, e.g. "
                    + "2026-01-31T12:00:00Z");
        }
    }
}
