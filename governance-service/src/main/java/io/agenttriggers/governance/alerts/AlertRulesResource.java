package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.IfMatch;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.common.versioned.Version;
import io.agenttriggers.common.versioned.VersionConflict;
import io.agenttriggers.governance.client.LedgerClient;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.time.Instant;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tenant's alert rules: admins write, viewers read, each within their tenants. Every change is a new version, in
 * force on every replica within about a second; a rule's channels must be the tenant's own.
 */
@Path("/api/v1/alert-rules")
@Tag(name = "Alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertRulesResource {

    @Inject
    AlertRuleStore store;

    @Inject
    AlertChannelStore channels;

    @Inject
    AlertRules rules;

    @Inject
    SecurityIdentity identity;

    @Inject
    LedgerClient ledger;

    @Inject
    GovernanceConfig config;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an alert rule", description = "Answers 201 with the rule, version 1.")
    public Uni<Response> create(AlertRuleSpec request) {
        AlertRuleSpec spec = validated(request);
        TenantScope.check(identity, spec.tenantId());
        return checkChannels(spec)
                .chain(() -> store.create(spec, "api", null))
                .onFailure(NameTaken.class).transform(e -> nameTaken(spec))
                .call(() -> rules.refresh())
                .map(row -> Response.created(URI.create("/api/v1/alert-rules/" + row.getId()))
                        .entity(AlertRuleView.of(row, spec)).tag(Integer.toString(row.getVersion())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List alert rules, newest first", description = "Filters: tenantId, enabled.")
    public Uni<Page<AlertRuleView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("enabled") Boolean enabled,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        List<String> where = new ArrayList<>(List.of("true"));
        List<Object> args = new ArrayList<>();
        if (tenantId != null) {
            args.add(tenantId);
            where.add("tenantId = ?" + args.size());
        }
        TenantScope.restriction(identity).ifPresent(tenants -> {
            args.add(Set.copyOf(tenants));
            where.add("tenantId in ?" + args.size());
        });
        if (enabled != null) {
            args.add(enabled);
            where.add("enabled = ?" + args.size());
        }
        if (after != null) {
            args.add(UUID.fromString(after));
            where.add("id < ?" + args.size());
        }
        return store.where(size + 1, String.join(" and ", where) + " order by id desc", args.toArray())
                .map(rows -> Page.of(rows.stream().map(r -> AlertRuleView.of(r, store.spec(r.getConfig()))).toList(),
                        size, AlertRuleView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read an alert rule")
    public Uni<Response> get(@PathParam("id") String id) {
        return visible(id).map(row -> Response.ok(AlertRuleView.of(row, store.spec(row.getConfig())))
                .tag(Integer.toString(row.getVersion())).build());
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an alert rule", description = "Every change is a new version. Send If-Match with "
            + "the version you read to refuse lost updates (412). The tenant never changes. An alert's counters "
            + "carry over; a change of kind starts them afresh on the next outcome.")
    public Uni<Response> update(@PathParam("id") String id, AlertRuleSpec request,
            @HeaderParam("If-Match") String ifMatch) {
        AlertRuleSpec spec = validated(request);
        Integer expected = IfMatch.version(ifMatch);
        return visible(id).chain(existing -> {
            if (!existing.getTenantId().equals(spec.tenantId())) {
                throw new ProblemException(422, "invalid_alert_rule", "Invalid alert rule", "A rule cannot move to "
                        + "another tenant", List.of(new FieldError("tenantId", "must stay " + existing.getTenantId())));
            }
            return checkChannels(spec).chain(() -> store.update(existing.getId(), spec, expected, "updated"));
        }).onFailure(VersionConflict.class).transform(e -> new ProblemException(412, "version_conflict",
                        "Precondition failed", "The rule is at version " + ((VersionConflict) e).current + ", not "
                                + expected))
                .onFailure(NameTaken.class).transform(e -> nameTaken(spec))
                .call(() -> rules.refresh())
                .map(row -> Response.ok(AlertRuleView.of(row, spec)).tag(Integer.toString(row.getVersion())).build());
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete an alert rule", description = "Its alerts and their pending notifications go too.")
    public Uni<Response> delete(@PathParam("id") String id) {
        return visible(id).chain(row -> store.delete(row.getId())).call(() -> rules.refresh())
                .map(x -> Response.noContent().build());
    }

    @GET
    @Path("{id}/versions")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "The rule's versions, newest first")
    public Uni<Page<Version<AlertRuleSpec>>> versions(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String before = Page.decode(cursor, c -> c.matches("[0-9]{1,9}"));
        return visible(id).chain(row -> store.versions(row.getId(), before == null ? null : Integer.valueOf(before),
                size + 1)).map(rows -> Page.of(rows, size, v -> Integer.toString(v.version())));
    }

    @POST
    @Path("{id}/versions/{version}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Restore an earlier configuration", description = "Writes it as a new version.")
    public Uni<AlertRuleView> rollback(@PathParam("id") String id, @PathParam("version") int version) {
        return visible(id).chain(row -> store.version(row.getId(), version).chain(found -> {
            AlertRuleSpec spec = found.orElseThrow(() -> ProblemException.notFound("version_not_found",
                    "Alert rule " + id + " has no version " + version)).config();
            return checkChannels(spec).chain(() -> store.update(row.getId(), spec, null, "rolled_back_to_" + version));
        })).onFailure(NameTaken.class).transform(e -> new ProblemException(409, "name_taken", "Conflict",
                "Another rule of the tenant now has that version's name"))
                .call(() -> rules.refresh())
                .map(row -> AlertRuleView.of(row, store.spec(row.getConfig())));
    }

    @POST
    @Path("dry-run")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dry-run an alert rule", description = "Evaluates the rule in the body (channels may be "
            + "left out) over the tenant's runs that finished in the last `hours` (1–24, default 6), read from the "
            + "ledger, and answers what it would have sent: each notification with its time, group, episode, count, "
            + "summary and run ids. Nothing is stored or sent. At most " + AlertDryRun.MAX_ALERTS + " alerts and "
            + "the newest `dry-run-max-runs` runs (5,000) are evaluated; `runsTruncated` says when older runs of the "
            + "range were left out. circuit-open rules cannot be dry-run: breaker moves are not in the ledger.")
    public Uni<AlertDryRun.Result> dryRun(AlertRuleSpec request, @QueryParam("hours") Integer hours) {
        AlertRuleSpec spec = validatedForDryRun(request);
        TenantScope.check(identity, spec.tenantId());
        return dryRun(AlertRules.Rule.of(null, spec), hours);
    }

    @POST
    @Path("{id}/dry-run")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Dry-run a saved alert rule", description = "As POST /api/v1/alert-rules/dry-run, with "
            + "the rule's current version.")
    public Uni<AlertDryRun.Result> dryRunSaved(@PathParam("id") String id, @QueryParam("hours") Integer hours) {
        return visible(id).chain(row -> {
            AlertRuleSpec spec = store.spec(row.getConfig());
            refuseCircuits(spec);
            return dryRun(AlertRules.Rule.of(row.getId(), spec), hours);
        });
    }

    private Uni<AlertDryRun.Result> dryRun(AlertRules.Rule rule, Integer hours) {
        int h = hours == null ? 6 : hours;
        if (h < 1 || h > 24) {
            throw ProblemException.badRequest("invalid_hours", "hours must be between 1 and 24");
        }
        Instant to = Instant.now();
        Instant from = to.minus(Duration.ofHours(h));
        // The ledger filters by event time; a run finishes after its event, so the read starts a little earlier
        // and the replay keeps only runs that finished in the range.
        return ledger.finished(rule.spec().tenantId(), from.minus(Duration.ofMinutes(10)), to,
                        config.alerts().dryRunMaxRuns())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(runs -> AlertDryRun.replay(rule, runs.outcomes(), runs.read(), runs.truncated(), from, to));
    }

    private AlertRuleSpec validatedForDryRun(AlertRuleSpec request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the alert rule as JSON");
        }
        boolean noChannels = request.channels() == null || request.channels().isEmpty();
        List<FieldError> problems = request.problems().stream()
                .filter(p -> !(noChannels && "channels".equals(p.field()))).toList();
        if (!problems.isEmpty()) {
            throw new ProblemException(422, "invalid_alert_rule", "Invalid alert rule",
                    "The rule has " + problems.size() + " invalid field(s)", problems);
        }
        AlertRuleSpec spec = request.normalized();
        refuseCircuits(spec);
        return spec;
    }

    private static void refuseCircuits(AlertRuleSpec spec) {
        if (!spec.countsOutcomes()) {
            throw new ProblemException(422, "dry_run_unsupported", "Cannot dry-run this rule", spec.kind() + " rules "
                    + "cannot be dry-run: the ledger keeps runs, not breaker moves or other services' signals");
        }
    }

    private AlertRuleSpec validated(AlertRuleSpec request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the alert rule as JSON");
        }
        List<FieldError> problems = request.problems();
        if (!problems.isEmpty()) {
            throw new ProblemException(422, "invalid_alert_rule", "Invalid alert rule",
                    "The rule has " + problems.size() + " invalid field(s)", problems);
        }
        return request.normalized();
    }

    /** Every channel a rule names must exist and be the rule's tenant's. */
    private Uni<Void> checkChannels(AlertRuleSpec spec) {
        List<UUID> ids = spec.channels().stream().map(UUID::fromString).toList();
        return channels.where("id in ?1 and tenantId = ?2", ids, spec.tenantId()).invoke(found -> {
            Set<String> known = new java.util.HashSet<>();
            found.forEach(c -> known.add(c.getId().toString()));
            List<FieldError> missing = new ArrayList<>();
            for (int i = 0; i < spec.channels().size(); i++) {
                if (!known.contains(UUID.fromString(spec.channels().get(i)).toString())) {
                    missing.add(new FieldError("channels[" + i + "]", "is not a channel of tenant " + spec.tenantId()));
                }
            }
            if (!missing.isEmpty()) {
                throw new ProblemException(422, "invalid_alert_rule", "Invalid alert rule",
                        "The rule names channels that the tenant does not have", missing);
            }
        }).replaceWithVoid();
    }

    /** The rule, or 404 when it does not exist or is outside the caller's tenants. */
    private Uni<AlertRuleRow> visible(String id) {
        UUID uuid = RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProblemException.notFound("alert_rule_not_found", "No alert rule " + id));
        }
        return store.find(uuid).map(found -> found.filter(r -> TenantScope.allows(identity, r.getTenantId()))
                .orElseThrow(() -> ProblemException.notFound("alert_rule_not_found", "No alert rule " + id)));
    }

    private static ProblemException nameTaken(AlertRuleSpec spec) {
        return new ProblemException(409, "name_taken", "Conflict", "Tenant " + spec.tenantId()
                + " already has an alert rule named " + spec.name());
    }
}
