package io.agenttriggers.governance.domain;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RejectionReason;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.CompiledPolicy.Plan;
import io.agenttriggers.governance.persistence.GovernanceState;
import io.agenttriggers.governance.persistence.PolicyCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
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

    @Inject
    GovernanceConfig config;

    @Inject
    PolicyCache cache;

    @Inject
    GovernanceState state;

    @Inject
    MeterRegistry registry;

    /** A decision and what led to it. */
    public record Decision(Verdict verdict, List<String> matched, List<String> conditionErrors, boolean repeated) {
    }

    /** Decides the event and consumes its limits; a redelivered event gets its first decision again. */
    public Uni<Decision> decide(TriggerEvent event) {
        return evaluate(event, true);
    }

    /** What the event would get now, consuming nothing. */
    public Uni<Decision> dryRun(TriggerEvent event) {
        return evaluate(event, false);
    }

    private Uni<Decision> evaluate(TriggerEvent event, boolean commit) {
        return cache.current().chain(policies -> {
            Map<String, Object> activation = EventCel.activation(event);
            List<CompiledPolicy> matched = new ArrayList<>();
            List<String> conditionErrors = new ArrayList<>();
            for (CompiledPolicy p : policies) {
                CompiledPolicy.MatchResult m = p.match(event, activation);
                if (m.matches()) {
                    matched.add(p);
                } else if (m.error() != null) {
                    conditionErrors.add(p.name() + ": " + m.error());
                }
            }
            List<String> names = matched.stream().map(p -> p.name() + "@" + p.version()).toList();
            if (matched.isEmpty()) {
                return Uni.createFrom().item(new Decision(defaultVerdict(), names, conditionErrors, false));
            }
            // Policies up to the first deny take part; a deny after them decides unless a limit rejects first.
            Instant now = Instant.now();
            Plan plan = new Plan(config.concurrencyLease());
            CompiledPolicy deny = null;
            for (CompiledPolicy p : matched) {
                if (p.denies()) {
                    deny = p;
                    break;
                }
                p.plan(event, activation, now, plan);
            }
            CompiledPolicy denying = deny;
            String matchedDetail = "matched " + String.join(", ", names);
            if (plan.checks.isEmpty()) {
                return Uni.createFrom().item(new Decision(denying != null ? denied(denying)
                        : approve(matched.get(0), matchedDetail, false), names, conditionErrors, false));
            }
            // With a deny ahead nothing may be consumed: the event will not run whatever the limits say.
            boolean consume = commit && denying == null;
            return state.decide(event.id(), plan, consume, 0)
                    .map(answer -> {
                        Verdict v;
                        if (!answer.approved()) {
                            CompiledPolicy p = plan.policies.get(plan.checks.get(answer.check()).policyIndex());
                            RejectionReason reason = RejectionReason.fromWire(answer.reason());
                            v = Verdict.reject(reason, p.id(), p.name(), p.version(), describe(reason, p),
                                    Duration.ofMillis(answer.retryAfterMs()));
                        } else if (denying != null) {
                            v = denied(denying);
                        } else {
                            v = approve(matched.get(0), matchedDetail, false);
                        }
                        return new Decision(v, names, conditionErrors, answer.repeated());
                    })
                    .onFailure(GovernanceState.Unavailable.class).recoverWithItem(e -> {
                        registry.counter("governance_redis_unavailable_total").increment();
                        LOG.warnf("Deciding event %s without Redis: %s", event.id(), e.getMessage());
                        return new Decision(unavailable(matched), names, conditionErrors, false);
                    });
        });
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
