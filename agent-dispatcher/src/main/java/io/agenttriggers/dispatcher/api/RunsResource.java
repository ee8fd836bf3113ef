package io.agenttriggers.dispatcher.api;


import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.dispatcher.domain.RunRecord;
import io.agenttriggers.dispatcher.persistence.RunLedger;
import io.agenttriggers.dispatcher.persistence.RunSeries;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The run ledger, for callers and dashboards. A tenant-scoped token sees only its tenants' runs. */
@Path("/api/v1/runs")
@Tag(name = "Runs")
@RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    @Inject
    RunLedger ledger;

    @Inject
    RunSeries series;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "List runs, newest first", description = "Filters: tenantId, status, eventName, "
            + "triggerType, source, workflowId, from/to (ISO-8601, the event's time).")
    public Uni<Page<RunRecord>> list(@QueryParam("tenantId") String tenantId, @QueryParam("status") String status,
            @QueryParam("eventName") String eventName, @QueryParam("triggerType") String triggerType,
            @QueryParam("source") String source, @QueryParam("workflowId") String workflowId,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (status != null) {
            try {
                RunStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_status", e.getMessage());
            }
        }
        RunLedger.Filter filter = filter(tenantId, status, eventName, triggerType, source, workflowId, from, to);
        String after = Page.decode(cursor, RunIds::isRunId);
        return ledger.list(filter, after, size + 1).map(rows -> Page.of(rows, size, RunRecord::runId));
    }

    @GET
    @Path("stats")
    @Operation(summary = "Success rate and durations", description = "Over the newest 10,000 finished runs that "
            + "match (tenantId, eventName, triggerType, source, workflowId, from/to): counts, success rate (succeeded and "
            + "fallback_succeeded over those plus failed and dead_lettered), mean and p95 duration in ms.")
    public Uni<RunLedger.Stats> stats(@QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName, @QueryParam("triggerType") String triggerType,
            @QueryParam("source") String source, @QueryParam("workflowId") String workflowId,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        return ledger.stats(filter(tenantId, null, eventName, triggerType, source, workflowId, from, to));
    }

    @GET
    @Path("series")
    @Operation(summary = "Finished runs over time", description = "For charts: the window [from, to) (ISO-8601, "
            + "the event's time; default the last 24 hours, at most 31 days) in `buckets` equal buckets (default 48, "
            + "at most 120), each with its runs by outcome and their end-to-end p95 in ms (event time to finish). "
            + "Filters as for the list. Drawn from at most the newest 100,000 finished runs of the window; "
            + "`truncated` says when the window held more.")
    public Uni<RunSeries.Series> series(@QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName, @QueryParam("triggerType") String triggerType,
            @QueryParam("source") String source, @QueryParam("workflowId") String workflowId,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("buckets") Integer buckets) {
        OffsetDateTime end = to == null ? OffsetDateTime.now(ZoneOffset.UTC) : time("to", to);
        OffsetDateTime start = from == null ? end.minusHours(24) : time("from", from);
        if (!start.isBefore(end) || java.time.Duration.between(start, end).compareTo(RunSeries.MAX_WINDOW) > 0) {
            throw ProblemException.badRequest("invalid_window", "from must be before to, at most "
                    + RunSeries.MAX_WINDOW.toDays() + " days apart");
        }
        int n = buckets == null ? 48 : buckets;
        if (n < 1 || n > RunSeries.MAX_BUCKETS) {
            throw ProblemException.badRequest("invalid_buckets", "buckets is 1 to " + RunSeries.MAX_BUCKETS);
        }
        return series.series(filter(tenantId, null, eventName, triggerType, source, workflowId, null, null), start, end,
                n);
    }

    @GET
    @Path("{runId}/attempts")
    @Operation(summary = "Every call made for a run", description = "Number, path (agent or fallback), start, "
            + "duration, status code, error class.")
    public Uni<Page<RunRecord.Attempt>> attempts(@PathParam("runId") String runId) {
        return visible(runId).chain(run -> ledger.attempts(runId)).map(list -> new Page<>(list, null));
    }

    private RunLedger.Filter filter(String tenantId, String status, String eventName, String triggerType,
            String source, String workflowId, String from, String to) {
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        if (triggerType != null) {
            try {
                io.agenttriggers.common.event.TriggerType.fromWire(triggerType);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_trigger_type", e.getMessage());
            }
        }
        return new RunLedger.Filter(TenantScope.restriction(identity), tenantId, status, eventName, triggerType,
                source, workflowId, time("from", from), time("to", to));
    }

    private static java.time.OffsetDateTime time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.badRequest("invalid_" + name, name + " is an ISO-8601 time with offset, e.g. "
                    + "2026-01-31T12:00:00Z");
        }
    }

    private Uni<RunRecord> visible(String runId) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7");
        }
        return ledger.find(runId).map(found -> found.filter(r -> TenantScope.allows(identity, r.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("run_not_found", "No run " + runId)));
    }

    @GET
    @Path("{runId}")
    @Operation(summary = "One run with its attempts")
    public Uni<RunRecord> get(@PathParam("runId") String runId) {
        if (!RunIds.isRunId(runId)) {
            throw ProblemException.badRequest("invalid_run_id", "A run id is a UUIDv7");
        }
        return ledger.find(runId).chain(found -> {
            RunRecord run = found.filter(r -> TenantScope.allows(identity, r.tenantId()))
                    .orElseThrow(() -> ProblemException.notFound("run_not_found", "No run " + runId));
            return ledger.attempts(runId).map(run::withAttemptLog);
        });
    }
}
