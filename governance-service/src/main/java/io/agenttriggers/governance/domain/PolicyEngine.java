package io.agenttriggers.governance.domain;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.logging.LogThrottle;
import io.agenttriggers.common.run.RejectionReason;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.CompiledPolicy.Plan;
import io.agenttriggers.governance.persistence.GovernanceState;
import io.agenttriggers.governance.persistence.PolicyCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Decides whether an event may run. Every enabled policy that matches applies, highest priority first, and the
 * first rejection wins: a {@code deny} rejects at its place in that order; the limits of the policies before it are
 * checked in one atomic Redis script, which consumes nothing unless the whole event is approved. When no policy
 * matches, the configured default action decides.
 *
 * <p>When Redis cannot be reached, the matching policies are walked in order again: a {@code fail-closed} policy
 * with limits rejects as {@code governance_unavailable}; {@code fail-open} policies are skipped and the approval is
 * marked degraded. Either way the decision is audited as such.
 */
@ApplicationScoped
public class PolicyEngine {

    private static final Logger LOG = Logger.getLogger(PolicyEngine.class);

    /** Events that trip a condition's limits can come in floods: one log line a minute per policy. */
    private final LogThrottle conditionLimitLog = new LogThrottle(Duration.ofMinutes(1));

    @Inject
    GovernanceConfig config;

    @Inject
    PolicyCache cache;

    @Inject
    GovernanceState state;

    @Inject
    MeterRegistry registry;

    @jakarta.annotation.PostConstruct
    void registerCounters() {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter("governance_redis_unavailable_total");
    }

    /** A decision and what led to it. */
    public record Decision(Verdict verdict, List<String> matched, List<String> conditionErrors, boolean repeated) {
    }

    /** Decides the event and consumes its limits; a redelivered event gets its first decision again. */
    public Uni<Decision> decide(TriggerEvent event) {
        return decideAll(List.of(event), true).map(l -> l.get(0));
    }

    /** What the event would get now, consuming nothing. */
    public Uni<Decision> dryRun(TriggerEvent event) {
        return decideAll(List.of(event), false).map(l -> l.get(0));
    }

    /**
     * Decides many events at once (a poll's batch): their Redis scripts go in one pipelined round trip. Answers the
     * decisions in the order of the events.
     */
    public Uni<List<Decision>> decideAll(List<TriggerEvent> events, boolean commit) {
        return cache.current().chain(policies -> {
            if (policies.stream().noneMatch(CompiledPolicy::costly)) {
                return settle(prepareAll(events, policies, commit));
            }
            // Expressions that may each spend the sandbox's whole budget are evaluated on a worker thread: a batch of
            // them must not hold the event loop that the consumer shares with HTTP and Redis.
            Context context = Vertx.currentContext();
            return Uni.createFrom().item(() -> prepareAll(events, policies, commit))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .emitOn(context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run()))
                    .chain(this::settle);
        });
    }

    private List<Prepared> prepareAll(List<TriggerEvent> events, List<CompiledPolicy> policies, boolean commit) {
        Instant now = Instant.now();
        List<Prepared> prepared = new ArrayList<>(events.size());
        for (TriggerEvent event : events) {
            prepared.add(prepare(event, policies, now, commit));
        }
        return prepared;
    }

    /** Sends the scripts of the prepared events that need Redis in one round trip, and answers every decision. */
    private Uni<List<Decision>> settle(List<Prepared> prepared) {
        List<GovernanceState.Call> calls = new ArrayList<>();
        for (Prepared p : prepared) {
            if (p.call != null) {
                calls.add(p.call);
            }
        }
        if (calls.isEmpty()) {
            return Uni.createFrom().item(prepared.stream().map(p -> p.immediate).toList());
        }
        return state.decideAll(calls)
                .map(answers -> {
                    List<Decision> out = new ArrayList<>(prepared.size());
                    int next = 0;
                    for (Prepared p : prepared) {
                        out.add(p.call == null ? p.immediate : finish(p, answers.get(next++)));
                    }
                    return out;
                })
                .onFailure(GovernanceState.Unavailable.class).recoverWithItem(e -> {
                    registry.counter("governance_redis_unavailable_total").increment(calls.size());
                    LOG.warnf("Deciding %d event(s) without Redis: %s", calls.size(), e.getMessage());
                    return prepared.stream().map(p -> p.call == null ? p.immediate
                            : new Decision(unavailable(p.matched), p.names, p.conditionErrors, false)).toList();
                });
    }

    /** One event's evaluation before Redis: either decided already, or waiting for its script's answer. */
    private static final class Prepared {
        Decision immediate;
        GovernanceState.Call call;
        Plan plan;
        List<CompiledPolicy> matched;
        List<String> names;
        List<String> conditionErrors;
        CompiledPolicy denying;
    }

    private Prepared prepare(TriggerEvent event, List<CompiledPolicy> policies, Instant now, boolean commit) {
        Prepared p = new Prepared();
        Map<String, Object> activation = EventCel.activation(event);
        p.matched = new ArrayList<>();
        p.conditionErrors = new ArrayList<>();
        CompiledPolicy failedClosed = null;
        for (CompiledPolicy policy : policies) {
            CompiledPolicy.MatchResult m = policy.match(event, activation);
            if (m.matches()) {
                p.matched.add(policy);
            } else if (m.error() != null) {
                p.conditionErrors.add(policy.name() + ": " + m.error());
                if (m.failsClosed() && failedClosed == null) {
                    failedClosed = policy;
                }
            }
        }
        p.names = p.matched.stream().map(c -> c.name() + "@" + c.version()).toList();
        if (failedClosed != null) {
            registry.counter("governance_condition_limit_exceeded_total").increment();
            CompiledPolicy policy = failedClosed;
            conditionLimitLog.run(policy.id(), () -> LOG.warnf("Policy %s: its condition hit the CEL sandbox's limits"
                    + " on event %s of tenant %s; the policy fails closed, so the event is rejected as policy_error",
                    policy.name(), event.id(), event.tenantId()));
            p.immediate = new Decision(Verdict.reject(RejectionReason.POLICY_ERROR, policy.id(), policy.name(),
                    policy.version(), "policy " + policy.name() + "'s condition exceeded the expression limits on this"
                            + " event and the policy fails closed", null), p.names, p.conditionErrors, false);
            return p;
        }
        if (p.matched.isEmpty()) {
            p.immediate = new Decision(defaultVerdict(), p.names, p.conditionErrors, false);
            return p;
        }
        // Policies up to the first deny take part; a deny after them decides unless a limit rejects first.
        p.plan = new Plan(config.concurrencyLease());
        for (CompiledPolicy policy : p.matched) {
            if (policy.denies()) {
                p.denying = policy;
                break;
            }
            policy.plan(event, activation, now, p.plan);
        }
        if (p.plan.checks.isEmpty()) {
            p.immediate = new Decision(p.denying != null ? denied(p.denying) : approve(p.matched.get(0),
                    "matched " + String.join(", ", p.names), false), p.names, p.conditionErrors, false);
            return p;
        }
        // With a deny ahead nothing may be consumed: the event will not run whatever the limits say.
        p.call = new GovernanceState.Call(event.id(), p.plan, commit && p.denying == null);
        return p;
    }

    private Decision finish(Prepared p, GovernanceState.Answer answer) {
        Verdict v;
        if (!answer.approved()) {
            // A remembered answer names a check of the plan it was made with; should the policies have changed
            // since, it is still this event's rejection, attributed to the nearest check that exists now.
            int check = Math.min(Math.max(answer.check(), 0), p.plan.checks.size() - 1);
            CompiledPolicy policy = p.plan.policies.get(p.plan.checks.get(check).policyIndex());
            RejectionReason reason = RejectionReason.fromWire(answer.reason());
            v = Verdict.reject(reason, policy.id(), policy.name(), policy.version(), describe(reason, policy),
                    Duration.ofMillis(answer.retryAfterMs()));
        } else if (p.denying != null) {
            v = denied(p.denying);
        } else {
            v = approve(p.matched.get(0), "matched " + String.join(", ", p.names), false);
        }
        return new Decision(v, p.names, p.conditionErrors, answer.repeated());
    }

    private Verdict defaultVerdict() {
        if ("deny".equalsIgnoreCase(config.defaultAction())) {
            return Verdict.reject(RejectionReason.DENIED, Verdict.DEFAULT_POLICY, Verdict.DEFAULT_POLICY, 0,
                    "no policy matches and the default action is deny", null);
        }
        return Verdict.approve(Verdict.DEFAULT_POLICY, Verdict.DEFAULT_POLICY, 0, "no policy matches", false);
    }

    private static Verdict approve(CompiledPolicy first, String detail, boolean degraded) {
        return Verdict.approve(first.id(), first.name(), first.version(), detail, degraded);
    }

    private static Verdict denied(CompiledPolicy p) {
        return Verdict.reject(RejectionReason.DENIED, p.id(), p.name(), p.version(), "policy " + p.name()
                + " denies the event", null);
    }

    /** Walks the matching policies in order with Redis out of reach. */
    private Verdict unavailable(List<CompiledPolicy> matched) {
        List<String> skipped = new ArrayList<>();
        for (CompiledPolicy p : matched) {
            if (p.denies()) {
                return denied(p);
            }
            if (!p.spec().stateful()) {
                continue;
            }
            if (!p.failOpen()) {
                return Verdict.reject(RejectionReason.GOVERNANCE_UNAVAILABLE, p.id(), p.name(), p.version(),
                        "Redis is unreachable and policy " + p.name() + " fails closed",
                        config.unavailableRetryAfter());
            }
            skipped.add(p.name());
        }
        boolean degraded = !skipped.isEmpty();
        return approve(matched.get(0), degraded ? "Redis is unreachable; limits of fail-open policies skipped: "
                + skipped.stream().collect(Collectors.joining(", ")) : "matched "
                + matched.stream().map(CompiledPolicy::name).collect(Collectors.joining(", ")), degraded);
    }

    private static String describe(RejectionReason reason, CompiledPolicy p) {
        PolicySpec s = p.spec();
        return switch (reason) {
            case RATE_LIMITED -> "policy " + p.name() + " allows " + s.rateLimit().limit() + " per "
                    + s.rateLimit().period() + (s.rateLimit().burst() > 0 ? " (burst " + s.rateLimit().burst() + ")" : "")
                    + " per " + s.rateLimit().key();
            case QUOTA_EXHAUSTED -> "policy " + p.name() + " allows " + s.quota().maxRunsPerDay() + " runs per day ("
                    + s.quota().timezone() + ") per " + s.quota().key();
            case BUDGET_EXHAUSTED -> "policy " + p.name() + " allows " + s.budget().maxCostPerDayUsd().toPlainString()
                    + " USD per day (" + s.budget().timezone() + ") per " + s.budget().key();
            case COOLDOWN -> "policy " + p.name() + " waits " + s.cooldown() + " after a successful run";
            case CONCURRENCY_LIMITED -> "policy " + p.name() + " allows " + s.concurrency().max()
                    + " unfinished runs per " + s.concurrency().key();
            case CIRCUIT_OPEN -> "policy " + p.name() + "'s circuit breaker is open after too many failures";
            default -> "policy " + p.name();
        };
    }
}
