package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Alerts (firing and recent), silences, and the notifications each alert sent with their attempts. */
@Path("/api/v1")
@Tag(name = "Alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {

    private static final Duration MAX_SILENCE = Duration.ofDays(30);

    /** An alert as the API shows it. */
    public record AlertView(String id, String ruleId, String ruleName, String tenantId, String groupKey, String state,
            int episode, long count, Integer consecutive, Double value, Long runsInWindow, List<String> runIds,
            OffsetDateTime startedAt, OffsetDateTime resolvedAt, OffsetDateTime silencedUntil,
            OffsetDateTime updatedAt) {
    }

    /** One notification and its attempts. */
    public record NotificationView(String id, String alertId, String channelId, String kind, int seq, String status,
            int attempts, String lastError, OffsetDateTime createdAt, OffsetDateTime sentAt, JsonNode body,
            List<Attempt> attemptLog) {
    }

    public record Attempt(int attempt, OffsetDateTime at, Integer statusCode, String error, int durationMs) {
    }

    /** {@code until} (a time) or {@code for} (a duration, e.g. PT2H), at most 30 days ahead. */
    public record SilenceRequest(OffsetDateTime until, Duration duration) {
    }

    @Inject
    Pool pool;

    @Inject
    SecurityIdentity identity;

    private static final String COLUMNS = "a.id, a.rule_id, r.name as rule_name, a.tenant_id, a.group_key, a.firing, "
            + "a.episode, a.state::text as state, a.started_at, a.resolved_at, a.silenced_until, a.updated_at";

    @GET
    @Path("alerts")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Alerts, newest first", description = "Filters: tenantId, ruleId, state "
            + "(firing, resolved). Alerts that never fired are not listed.")
    public Uni<Page<AlertView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("ruleId") String ruleId,
            @QueryParam("state") String state, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        if (state != null && !state.equals("firing") && !state.equals("resolved")) {
            throw new ProblemException(400, "invalid_filter", "Bad request", "state is firing or resolved",
                    List.of(new FieldError("state", "must be firing or resolved")));
        }
        UUID rule = ruleId == null ? null : uuid(ruleId, "ruleId");
        String after = Page.decode(cursor, RunIds::isRunId);
        Query q = Query.select("select " + COLUMNS + " from governance.alerts a join governance.alert_rules r on "
                        + "r.id = a.rule_id")
                .where("a.episode", ">", 0)
                .eq("a.tenant_id", tenantId)
                .in("a.tenant_id", TenantScope.restriction(identity))
                .eq("a.rule_id", rule)
                .eq("a.firing", state == null ? null : state.equals("firing"))
                .page("a.id", after == null ? null : UUID.fromString(after), size + 1);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<AlertView> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r)));
            return Page.of(out, size, AlertView::id);
        });
    }

    @GET
    @Path("alerts/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read an alert")
    public Uni<AlertView> get(@PathParam("id") String id) {
        return visible(id);
    }

    @POST
    @Path("alerts/{id}/silence")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Silence an alert", description = "No notification is sent until then; the alert is still "
            + "evaluated, so it resolves (quietly) and fires again as usual.")
    public Uni<AlertView> silence(@PathParam("id") String id, SilenceRequest request) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime until = request == null ? null : request.until() != null ? request.until()
                : request.duration() != null ? now.plus(request.duration()) : null;
        if (until == null || !until.isAfter(now) || until.isAfter(now.plus(MAX_SILENCE))) {
            throw new ProblemException(422, "invalid_silence", "Invalid silence", "Send until (a time) or duration "
                    + "(e.g. PT2H), in the future and at most 30 days ahead",
                    List.of(new FieldError("until", "must be in the next 30 days")));
        }
        return visible(id).chain(a -> setSilence(a.id(), until)).chain(() -> visible(id));
    }

    @DELETE
    @Path("alerts/{id}/silence")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "End an alert's silence")
    public Uni<AlertView> unsilence(@PathParam("id") String id) {
        return visible(id).chain(a -> setSilence(a.id(), null)).chain(() -> visible(id));
    }

    @GET
    @Path("alerts/{id}/notifications")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The notifications an alert caused, newest first, with their attempts")
    public Uni<Page<NotificationView>> notifications(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String before = Page.decode(cursor, c -> c.matches("[0-9]{1,9}"));
        return visible(id).chain(a -> pool.preparedQuery("select n.*, n.body::text as body_text from "
                                + "governance.alert_notifications n where alert_id = $1 and seq < $2 "
                                + "order by seq desc, channel_id limit $3")
                        .execute(Tuple.of(UUID.fromString(a.id()), before == null ? Integer.MAX_VALUE
                                : Integer.parseInt(before), size + 1)))
                .chain(this::withAttempts)
                .map(list -> Page.of(list, size, n -> Integer.toString(n.seq())));
    }

    @GET
    @Path("alert-notifications/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "One notification (a channel test's too) with its attempts")
    public Uni<NotificationView> notification(@PathParam("id") String id) {
        UUID uuid = uuid(id, "id");
        return pool.preparedQuery("select n.*, n.body::text as body_text from governance.alert_notifications n "
                        + "where id = $1").execute(Tuple.of(uuid))
                .chain(this::withAttempts)
                .map(list -> list.stream().filter(n -> TenantScope.allows(identity, tenantOf(n))).findFirst()
                        .orElseThrow(() -> ProblemException.notFound("notification_not_found", "No notification "
                                + id)));
    }

    private static String tenantOf(NotificationView n) {
        return n.body().path("tenantId").asText(null);
    }

    private Uni<List<NotificationView>> withAttempts(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Row> all = new ArrayList<>();
        rows.forEach(all::add);
        if (all.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = all.stream().map(r -> r.getUUID("id")).toArray(UUID[]::new);
        return pool.preparedQuery("select * from governance.alert_attempts where notification_id = any($1) "
                        + "order by notification_id, attempt").execute(Tuple.of(ids))
                .map(attempts -> {
                    java.util.Map<UUID, List<Attempt>> byId = new java.util.HashMap<>();
                    attempts.forEach(a -> byId.computeIfAbsent(a.getUUID("notification_id"), k -> new ArrayList<>())
                            .add(new Attempt(a.getInteger("attempt"), a.getOffsetDateTime("at"),
                                    a.getInteger("status_code"), a.getString("error"), a.getInteger("duration_ms"))));
                    return all.stream().map(r -> new NotificationView(r.getUUID("id").toString(),
                            r.getUUID("alert_id") == null ? null : r.getUUID("alert_id").toString(),
                            r.getUUID("channel_id").toString(), r.getString("kind"), r.getInteger("seq"),
                            r.getString("status"), r.getInteger("attempts"), r.getString("last_error"),
                            r.getOffsetDateTime("created_at"), r.getOffsetDateTime("sent_at"),
                            EventJson.read(r.getString("body_text"), JsonNode.class),
                            byId.getOrDefault(r.getUUID("id"), List.of()))).toList();
                });
    }

    private Uni<Void> setSilence(String id, OffsetDateTime until) {
        return pool.preparedQuery("update governance.alerts set silenced_until = $2, updated_at = now() where id = $1")
                .execute(Tuple.of(UUID.fromString(id), until)).replaceWithVoid();
    }

    private Uni<AlertView> visible(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProblemException.notFound("alert_not_found", "No alert " + id));
        }
        return pool.preparedQuery("select " + COLUMNS + " from governance.alerts a join governance.alert_rules r on "
                        + "r.id = a.rule_id where a.id = $1").execute(Tuple.of(uuid))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("alert_not_found", "No alert " + id);
                    }
                    AlertView view = view(rows.iterator().next());
                    if (!TenantScope.allows(identity, view.tenantId())) {
                        throw ProblemException.notFound("alert_not_found", "No alert " + id);
                    }
                    return view;
                });
    }

    private static AlertView view(Row r) {
        AlertState s = AlertLedger.read(r.getString("state"));
        return new AlertView(r.getUUID("id").toString(), r.getUUID("rule_id").toString(), r.getString("rule_name"),
                r.getString("tenant_id"), r.getString("group_key"), r.getBoolean("firing") ? "firing" : "resolved",
                r.getInteger("episode"), s.count, s.consecutive == 0 ? null : s.consecutive, s.value, s.runsInWindow,
                List.copyOf(s.recentRuns), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("resolved_at"),
                r.getOffsetDateTime("silenced_until"), r.getOffsetDateTime("updated_at"));
    }

    private static UUID uuid(String value, String field) {
        UUID uuid = RunIds.uuidOrNull(value);
        if (uuid == null) {
            throw new ProblemException(400, "invalid_id", "Bad request", field + " is not an id",
                    List.of(new FieldError(field, "must be a UUID")));
        }
        return uuid;
    }
}
