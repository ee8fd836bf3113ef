package io.agenttriggers.governance.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.governance.domain.CompiledPolicy;
import io.agenttriggers.governance.persistence.Budgets;
import io.agenttriggers.governance.persistence.Circuits;
import io.agenttriggers.governance.persistence.DecisionLog;
import io.agenttriggers.governance.persistence.GovernanceState;
import io.agenttriggers.governance.persistence.PolicyCache;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
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
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Dashboard views: decision statistics, today's quota and budget use, and circuit breakers with manual reset. */
@Path("/api/v1")
@Tag(name = "Dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    static final Duration MAX_WINDOW = Duration.ofDays(31);

    @Inject
    DecisionLog decisions;

    @Inject
    Budgets budgets;

    @Inject
    Circuits circuits;

    @Inject
    PolicyCache cache;

    @Inject
    SecurityIdentity identity;

    /** Counts and latency of the decisions of a window. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatsView(Duration window, OffsetDateTime from, OffsetDateTime to, long total, long approved,
            long rejected, Map<String, Long> byReason, Map<String, Map<String, Long>> byEventName,
            Double p50LatencyMs, Double p95LatencyMs, Double p99LatencyMs) {
    }

    @GET
    @Path("stats")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Decision statistics of a window", description = "window: ISO-8601 duration up to P31D "
            + "(default PT1H), ending now. Optional tenantId and eventName. Counts by verdict, by rejection reason "
            + "and by event name; decision latency percentiles in milliseconds.")
    public Uni<StatsView> stats(@QueryParam("window") String window, @QueryParam("tenantId") String tenantId,
            @QueryParam("eventName") String eventName) {
        Duration length;
        try {
            length = window == null ? Duration.ofHours(1) : Duration.parse(window);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("invalid_window", "window is an ISO-8601 duration such as PT1H");
        }
        if (length.isNegative() || length.isZero() || length.compareTo(MAX_WINDOW) > 0) {
            throw ProblemException.badRequest("invalid_window", "window must be more than zero and at most P31D");
        }
        OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime from = to.minus(length);
        DecisionLog.Filter f = DecisionsResource.filter(identity, tenantId, eventName, null, null, null, null, null);
        DecisionLog.Filter windowed = new DecisionLog.Filter(f.tenants(), f.tenantId(), f.eventName(), null, null,
                null, from, to);
        Duration shown = length;
        return decisions.stats(windowed).map(s -> {
            Map<String, Long> byVerdict = DecisionLog.sum(s.counts(), DecisionLog.Count::verdict);
            Map<String, Long> byReason = DecisionLog.sum(s.counts().stream().filter(c -> c.reason() != null).toList(),
                    DecisionLog.Count::reason);
            Map<String, Map<String, Long>> byEvent = s.counts().stream().collect(Collectors.groupingBy(
                    DecisionLog.Count::eventName, java.util.TreeMap::new,
                    Collectors.groupingBy(DecisionLog.Count::verdict, java.util.TreeMap::new,
                            Collectors.summingLong(DecisionLog.Count::count))));
            long approved = byVerdict.getOrDefault("approved", 0L);
            long rejected = byVerdict.getOrDefault("rejected", 0L);
            return new StatsView(shown, from, to, approved + rejected, approved, rejected, byReason, byEvent,
                    ms(s.p50LatencyMicros()), ms(s.p95LatencyMicros()), ms(s.p99LatencyMicros()));
        });
    }

    private static Double ms(Double micros) {
        return micros == null ? null : Math.round(micros / 10d) / 100d;
    }

    @GET
    @Path("budgets")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Today's use of every quota and budget", description = "Per policy and bucket, in the "
            + "policy's time zone; optional tenantId.")
    public Uni<Page<Budgets.Usage>> budgets(@QueryParam("tenantId") String tenantId) {
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        Predicate<CompiledPolicy> visible = p -> visible(p.spec().tenantId())
                && (tenantId == null || tenantId.equals(p.spec().tenantId()));
        return budgets.today(visible).map(items -> new Page<>(items, null))
                .onFailure(GovernanceState.Unavailable.class).transform(DashboardResource::redisDown);
    }

    @GET
    @Path("circuits")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Circuit breakers with their state", description = "Every breaker that has seen an "
            + "outcome, of the policies the caller may see.")
    public Uni<Page<Circuits.Circuit>> circuits() {
        return cache.current().chain(policies -> {
            Set<String> ids = policies.stream().filter(p -> visible(p.spec().tenantId())).map(CompiledPolicy::id)
                    .collect(Collectors.toSet());
            return circuits.list(ids::contains);
        }).map(list -> new Page<>(list, null))
                .onFailure(GovernanceState.Unavailable.class).transform(DashboardResource::redisDown);
    }

    @POST
    @Path("circuits/{key: .+}/reset")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Close a circuit breaker now", description = "key is the breaker's key from the list "
            + "(policyId:bucket; the slash inside a bucket such as tenant/eventName may stay as it is). Its failure "
            + "window is forgotten.")
    public Uni<Circuits.Circuit> reset(@PathParam("key") String key) {
        String policyId = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
        return cache.current().chain(policies -> {
            boolean allowed = policies.stream().anyMatch(p -> p.id().equals(policyId) && visible(p.spec().tenantId()));
            if (!allowed) {
                return Uni.createFrom().failure(ProblemException.notFound("circuit_not_found", "No circuit " + key));
            }
            return circuits.reset(key).map(found -> {
                if (!found) {
                    throw ProblemException.notFound("circuit_not_found", "No circuit " + key);
                }
                return new Circuits.Circuit(key, policyId, key.substring(key.indexOf(':') + 1), "closed", null,
                        OffsetDateTime.now(ZoneOffset.UTC), 0, 0);
            });
        }).onFailure(GovernanceState.Unavailable.class).transform(DashboardResource::redisDown);
    }

    private boolean visible(String policyTenant) {
        return policyTenant == null ? TenantScope.restriction(identity).isEmpty()
                : TenantScope.allows(identity, policyTenant);
    }

    private static ProblemException redisDown(Throwable e) {
        return ProblemException.unavailable("redis_unavailable", "Governance state (Redis) cannot be read right now",
                5);
    }
}
