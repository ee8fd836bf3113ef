package io.agenttriggers.cron.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.IfMatch;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionConflict;
import io.agenttriggers.cron.client.LedgerClient;
import io.agenttriggers.cron.config.CronServiceConfig;
import io.agenttriggers.cron.domain.CronExpression;
import io.agenttriggers.cron.domain.FirePlanner;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.agenttriggers.cron.messaging.EventPublisher;
import io.agenttriggers.cron.domain.FireEvents;
import io.agenttriggers.cron.persistence.Firer;
import io.agenttriggers.cron.persistence.GovernanceSync;
import io.agenttriggers.cron.persistence.ScheduleStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Schedules: register, read with status, change, pause/resume, fire now, backfill, history. */
@Path("/api/v1/schedules")
@Tag(name = "Schedules")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    /** Body of pause. */
    public record PauseRequest(String note) {
    }

    /** Body of trigger: extra context merged into the payload. */
    public record TriggerRequest(JsonNode context) {
    }

    /** Body of backfill: fire times in [from, to]. */
    public record BackfillRequest(OffsetDateTime from, OffsetDateTime to) {
    }

    @Inject
    ScheduleStore store;

    @Inject
    Firer firer;

    @Inject
    EventPublisher publisher;

    @Inject
    LedgerClient ledger;

    @Inject
    GovernanceSync governance;

    @Inject
    CronServiceConfig config;

    @Inject
    SecurityIdentity identity;

    @Inject
    OutboundUrlPolicy urls;

    @Inject
    MeterRegistry registry;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a schedule", description = "201 with the schedule, its next fire times included. "
            + "An invalid expression is 422 naming the field (minute, hour, ...).")
    public Uni<Response> create(ScheduleSpec spec) {
        CronExpression cron = check(spec);
        TenantScope.check(identity, spec.tenantId());
        UUID id = UUID.fromString(RunIds.next());
        Instant next = FirePlanner.first(cron, Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.create(id, spec, "api", next, FirePlanner.dueAt(id.toString(), next, spec.jitter()))
                // A schedule whose limits governance could not take is not kept.
                .call(created -> governance.sync(created.id(), spec)
                        .onFailure().call(e -> store.delete(created.id())))
                .invoke(created -> firer.wake())
                .map(created -> Response.created(URI.create("/api/v1/schedules/" + created.id()))
                        .tag(Integer.toString(created.version()))
                        .entity(ScheduleView.of(created, nextTimes(cron, created, 5), null)).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List schedules, newest first")
    public Uni<Page<ScheduleView>> list(@QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName, @QueryParam("enabled") Boolean enabled,
            @QueryParam("paused") Boolean paused, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        return store.list(TenantScope.restriction(identity), tenantId, eventName, enabled, paused, after, size + 1)
                .map(rows -> Page.of(rows.stream().map(s -> ScheduleView.of(s, null, null)).toList(), size,
                        ScheduleView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read a schedule with its status", description = "The next 5 fire times, the last fire and "
            + "its run's status, and (from the ledger) success rate and mean duration of the recent runs.")
    public Uni<Response> get(@PathParam("id") String id) {
        return visible(id).chain(s -> ledger.stats(s.id())
                .onFailure().recoverWithItem((JsonNode) null)
                .map(stats -> Response.ok(ScheduleView.of(s, nextTimes(s.spec().cron(), s, 5), stats))
                        .tag(Integer.toString(s.version())).build()));
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a schedule", description = "If-Match with the version refuses lost updates (412). "
            + "The next fire time is computed again from now; the tenant never changes.")
    public Uni<Response> update(@PathParam("id") String id, ScheduleSpec spec,
            @HeaderParam("If-Match") String ifMatch) {
        CronExpression cron = check(spec);
        Integer expected = IfMatch.version(ifMatch);
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This schedule", existing.spec().workflowId());
            if (!existing.spec().tenantId().equals(spec.tenantId())) {
                throw new ProblemException(422, "invalid_schedule", "Invalid schedule", "A schedule cannot move to "
                        + "another tenant", List.of(new FieldError("tenantId", "must stay "
                                + existing.spec().tenantId())));
            }
            Instant next = FirePlanner.first(cron, Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
            return store.update(id, spec, expected, next, FirePlanner.dueAt(id, next, spec.jitter()));
        }).onFailure(VersionConflict.class).transform(e -> new ProblemException(412, "version_conflict",
                        "Precondition failed", "The schedule is at version "
                        + ((VersionConflict) e).current + ", not " + expected))
                .map(updated -> updated.orElseThrow(() -> notFound(id)))
                .call(updated -> governance.sync(updated.id(), spec))
                .invoke(updated -> firer.wake())
                .map(updated -> Response.ok(ScheduleView.of(updated, nextTimes(cron, updated, 5), null))
                        .tag(Integer.toString(updated.version())).build());
    }

    @GET
    @Path("{id}/versions")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The schedule's versions, newest first", description = "Each is the whole registration as "
            + "it was, with what made it (created, updated, rolled_back_to_N). Pauses are firing state, not versions.")
    public Uni<Page<Version<ScheduleSpec>>> versions(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String before = Page.decode(cursor, c -> c.matches("[0-9]{1,9}"));
        return visible(id).chain(s -> store.versions(id, before == null ? null : Integer.valueOf(before), size + 1))
                .map(rows -> Page.of(rows, size, v -> Integer.toString(v.version())));
    }

    @POST
    @Path("{id}/versions/{version}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Restore an earlier registration", description = "Writes it as a new version; the next fire "
            + "time is computed again from now, a pause stays. 404 when there is no such version.")
    public Uni<Response> rollback(@PathParam("id") String id, @PathParam("version") int version) {
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This schedule", existing.spec().workflowId());
            return store.version(id, version);
        }).chain(found -> {
            ScheduleSpec spec = found.orElseThrow(() -> ProblemException.notFound("version_not_found",
                    "Schedule " + id + " has no version " + version)).config();
            // Valid when it was written; checked again, since what the URL policy allows may have changed since.
            CronExpression cron = check(spec);
            Instant next = FirePlanner.first(cron, Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
            return store.update(id, spec, null, next, FirePlanner.dueAt(id, next, spec.jitter()),
                            "rolled_back_to_" + version)
                    .map(restored -> restored.orElseThrow(() -> notFound(id)))
                    .call(restored -> governance.sync(restored.id(), spec))
                    .invoke(restored -> firer.wake())
                    .map(restored -> Response.ok(ScheduleView.of(restored, nextTimes(cron, restored, 5), null))
                            .tag(Integer.toString(restored.version())).build());
        });
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a schedule", description = "Its governance policy goes with it.")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(existing -> {
            Ownership.requireApiManaged(existing.managedBy(), "This schedule", existing.spec().workflowId());
            return governance.remove(id).chain(() -> store.delete(id));
        }).map(deleted -> Response.noContent().build());
    }

    @POST
    @Path("{id}/pause")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Pause a schedule", description = "Nothing fires until resume; an optional note says why.")
    public Uni<ScheduleView> pause(@PathParam("id") String id, String body) {
        PauseRequest request = optionalBody(body, PauseRequest.class);
        String note = request == null ? null : request.note();
        if (note != null && note.length() > 500) {
            throw new ProblemException(422, "invalid_note", "Invalid note", "A note is at most 500 characters");
        }
        return visible(id).chain(s -> store.setPaused(id, true, note, null, null))
                .map(s -> ScheduleView.of(s.orElseThrow(() -> notFound(id)), null, null));
    }

    @POST
    @Path("{id}/resume")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Resume a schedule", description = "It fires again from the next fire time after now; fire "
            + "times during the pause are not made up.")
    public Uni<ScheduleView> resume(@PathParam("id") String id) {
        return visible(id).chain(s -> {
            CronExpression cron = s.spec().cron();
            Instant next = FirePlanner.first(cron, Instant.now(), instant(s.spec().startAt()),
                    instant(s.spec().endAt()));
            return store.setPaused(id, false, null, next, FirePlanner.dueAt(id, next, s.spec().jitter()));
        }).map(s -> s.orElseThrow(() -> notFound(id))).invoke(s -> firer.wake())
                .map(s -> ScheduleView.of(s, nextTimes(s.spec().cron(), s, 5), null));
    }

    @POST
    @Path("{id}/trigger")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Fire now", description = "One extra run now, marked manual (x-fire-kind), with 'context' "
            + "merged into the payload; the schedule's own fire times are not affected. 202 with the run id.")
    public Uni<Response> trigger(@PathParam("id") String id, String body) {
        TriggerRequest request = optionalBody(body, TriggerRequest.class);
        JsonNode context = request == null ? null : request.context();
        if (context != null && (!context.isObject() || context.toString().length() > 65_536)) {
            throw new ProblemException(422, "invalid_context", "Invalid context",
                    "context must be a JSON object of at most 64 KiB");
        }
        return visible(id).chain(s -> {
            JsonNode payload = merge(s.spec().payload(), context);
            TriggerEvent event = FireEvents.of(s.id(), s.spec(), Instant.now(), payload, "manual");
            return publisher.publish(event)
                    .onFailure().transform(e -> ProblemException.unavailable("not_durable",
                            "The event could not be stored; nothing was started. Retry later.", 5))
                    .map(ok -> {
                        registry.counter("cron_fires_total", "kind", "manual").increment();
                        Map<String, Object> answer = new LinkedHashMap<>();
                        answer.put("runId", event.id());
                        answer.put("status", "accepted");
                        return Response.accepted(answer).location(URI.create("/api/v1/runs/" + event.id())).build();
                    });
        });
    }

    @POST
    @Path("{id}/backfill")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Backfill a time range", description = "Emits every fire time in [from, to], each with its "
            + "own dedup key (cron:{id}:{time}), so a fire time that already ran is not run again. At most "
            + "max-backfill (1000) fire times; 202 with their count.")
    public Uni<Response> backfill(@PathParam("id") String id, BackfillRequest request) {
        if (request == null || request.from() == null || request.to() == null || !request.to().isAfter(request.from())) {
            throw new ProblemException(422, "invalid_range", "Invalid range", "from and to (ISO-8601) are required, "
                    + "with to after from");
        }
        if (request.to().toInstant().isAfter(Instant.now())) {
            throw new ProblemException(422, "invalid_range", "Invalid range", "A backfill covers the past: to must "
                    + "not be in the future");
        }
        return visible(id).chain(s -> {
            List<Instant> times = s.spec().cron().between(request.from().toInstant().minusNanos(1),
                    request.to().toInstant(), config.maxBackfill() + 1);
            if (times.size() > config.maxBackfill()) {
                throw new ProblemException(422, "backfill_too_large", "Backfill too large", "The range holds more "
                        + "than " + config.maxBackfill() + " fire times; split it");
            }
            List<Uni<Void>> sends = new ArrayList<>();
            for (Instant t : times) {
                sends.add(publisher.publish(FireEvents.of(s.id(), s.spec(), t, null, "backfill")));
            }
            Uni<Void> all = sends.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(sends).andFailFast().replaceWithVoid();
            return all.onFailure().transform(e -> ProblemException.unavailable("not_durable", "Some fire times could "
                            + "not be stored; backfill again (fire times that ran are not run twice)", 5))
                    .map(ok -> {
                        registry.counter("cron_fires_total", "kind", "backfill").increment(times.size());
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("count", times.size());
                        body.put("first", times.isEmpty() ? null : times.get(0).toString());
                        body.put("last", times.isEmpty() ? null : times.get(times.size() - 1).toString());
                        return Response.accepted(body).build();
                    });
        });
    }

    @GET
    @Path("{id}/history")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The schedule's runs, newest first", description = "From the run ledger, paginated.")
    public Uni<JsonNode> history(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        return visible(id).chain(s -> ledger.runs(s.id(), size, cursor));
    }

    private Uni<ScheduleStore.Stored> visible(String id) {
        return store.find(id).map(found -> found.filter(s -> TenantScope.allows(identity, s.spec().tenantId()))
                .orElseThrow(() -> notFound(id)));
    }

    /** An optional JSON body (pause and trigger may be sent without one). */
    static <T> T optionalBody(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        if (body.length() > 131_072) {
            throw new ProblemException(413, "payload_too_large", "Payload too large", "The body is limited to 128 KiB");
        }
        try {
            return EventJson.MAPPER.readerFor(type)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(body);
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("invalid_json", "The body is not valid JSON for this call: "
                    + e.getMessage().split("\n")[0]);
        }
    }

    static ProblemException notFound(String id) {
        return ProblemException.notFound("schedule_not_found", "No schedule " + id);
    }

    private CronExpression check(ScheduleSpec spec) {
        if (spec == null) {
            throw ProblemException.badRequest("empty_body", "Send the schedule as JSON");
        }
        Ownership.refuseWorkflowId(spec.workflowId(), "invalid_schedule", "Invalid schedule");
        List<FieldError> errors = spec.check(urls);
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_schedule", "Invalid schedule",
                    "The schedule has " + errors.size() + " invalid field(s)", errors);
        }
        return spec.cron();
    }


    private static List<String> nextTimes(CronExpression cron, ScheduleStore.Stored s, int count) {
        if (s.paused() || !s.spec().isEnabled() || s.nextFireAt() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        out.add(s.nextFireAt().toInstant().atZone(cron.zone()).toOffsetDateTime().toString());
        for (Instant t : cron.next(s.nextFireAt().toInstant(), count - 1)) {
            if (s.spec().endAt() != null && t.isAfter(s.spec().endAt().toInstant())) {
                break;
            }
            out.add(t.atZone(cron.zone()).toOffsetDateTime().toString());
        }
        return out;
    }

    private static JsonNode merge(JsonNode payload, JsonNode context) {
        if (context == null) {
            return payload;
        }
        ObjectNode out = payload != null && payload.isObject() ? ((ObjectNode) payload).deepCopy()
                : EventJson.MAPPER.createObjectNode();
        if (payload != null && !payload.isObject() && !payload.isNull()) {
            out.set("payload", payload);
        }
        out.setAll((ObjectNode) context);
        return out;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

}
