package io.agenttriggers.governance.domain;

import io.agenttriggers.common.event.TriggerEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A policy ready to evaluate: globs and CEL compiled once, when the policy set changes. */
public final class CompiledPolicy {

    /** Highest priority first; ties by name, then id, so every replica orders alike. */
    public static final Comparator<CompiledPolicy> ORDER = Comparator
            .comparingInt((CompiledPolicy p) -> -p.spec.priority())
            .thenComparing(p -> p.spec.name())
            .thenComparing(p -> p.policy.id());

    private final Policy policy;
    private final PolicySpec spec;
    private final List<Glob> tenants;
    private final List<String> triggerTypes;
    private final List<Glob> eventNames;
    private final List<Glob> sources;
    private final EventCel condition;
    private final LimitKey rateKey;
    private final LimitKey quotaKey;
    private final LimitKey budgetKey;
    private final LimitKey concurrencyKey;
    private final LimitKey breakerKey;

    public CompiledPolicy(Policy policy) {
        this.policy = policy;
        this.spec = policy.spec().normalized();
        PolicySpec.Match m = spec.match();
        this.tenants = m.tenants().stream().map(Glob::compile).toList();
        this.triggerTypes = List.copyOf(m.triggerTypes());
        this.eventNames = m.eventNames().stream().map(Glob::compile).toList();
        this.sources = m.sources().stream().map(Glob::compile).toList();
        this.condition = m.condition() == null ? null : EventCel.compile(m.condition(), EventCel.Kind.CONDITION);
        this.rateKey = spec.rateLimit() == null ? null : LimitKey.of(spec.rateLimit().key());
        this.quotaKey = spec.quota() == null ? null : LimitKey.of(spec.quota().key());
        this.budgetKey = spec.budget() == null ? null : LimitKey.of(spec.budget().key());
        this.concurrencyKey = spec.concurrency() == null ? null : LimitKey.of(spec.concurrency().key());
        this.breakerKey = spec.circuitBreaker() == null ? null
                : LimitKey.of(spec.circuitBreaker().key());
    }

    public Policy policy() {
        return policy;
    }

    public PolicySpec spec() {
        return spec;
    }

    public String id() {
        return policy.id();
    }

    public String name() {
        return spec.name();
    }

    public int version() {
        return policy.version();
    }

    public boolean denies() {
        return PolicySpec.DENY.equals(spec.action());
    }

    /** Whether evaluating this policy's expressions may take long enough that it belongs off the event loop. */
    public boolean costly() {
        return condition != null && condition.costly() || Stream.of(rateKey, quotaKey, budgetKey, concurrencyKey,
                breakerKey).anyMatch(k -> k != null && k.costly());
    }

    public boolean failOpen() {
        return PolicySpec.FAIL_OPEN.equals(spec.onUnavailable());
    }

    /**
     * What a match attempt found: whether it matched, and why not when a condition could not be evaluated;
     * {@code failsClosed} when the sandbox stopped the condition and the policy fails closed, so the event must be
     * rejected rather than let past a policy that might have applied.
     */
    public record MatchResult(boolean matches, String error, boolean failsClosed) {

        MatchResult(boolean matches, String error) {
            this(matches, error, false);
        }
    }

    /**
     * Whether the policy applies to the event. A condition that cannot be evaluated on the event (a missing field)
     * does not match; one the sandbox stopped follows the policy's {@code onUnavailable}: a fail-open policy does not
     * apply, a fail-closed one rejects the event.
     */
    public MatchResult match(TriggerEvent event, Map<String, Object> activation) {
        if (!spec.isEnabled()) {
            return new MatchResult(false, null);
        }
        if (spec.tenantId() != null && !spec.tenantId().equals(event.tenantId())) {
            return new MatchResult(false, null);
        }
        if (!any(tenants, event.tenantId()) || !any(eventNames, event.eventName()) || !any(sources, event.source())) {
            return new MatchResult(false, null);
        }
        if (!triggerTypes.isEmpty() && !triggerTypes.contains(event.type().wire())) {
            return new MatchResult(false, null);
        }
        if (condition != null) {
            try {
                return new MatchResult(condition.test(activation), null);
            } catch (EventCel.EvaluationError e) {
                return new MatchResult(false, e.getMessage(), e.limitExceeded() && !failOpen());
            }
        }
        return new MatchResult(true, null);
    }

    private static boolean any(List<Glob> globs, String value) {
        if (globs.isEmpty()) {
            return true;
        }
        for (Glob g : globs) {
            if (g.matches(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Redis checks this policy asks of the event, in the order they are evaluated (cheapest to clear last:
     * an open circuit or a cooldown rejects before a rate-limit slot would be spent), and what the run's outcome
     * must feed back.
     */
    public void plan(TriggerEvent event, Map<String, Object> activation, Instant now, Plan plan) {
        int index = plan.policies.size();
        plan.policies.add(this);
        if (breakerKey != null) {
            PolicySpec.CircuitBreaker b = spec.circuitBreaker();
            String bucket = bucket(breakerKey, event, activation);
            String key = Keys.breaker(id(), bucket);
            plan.checks.add(new Check(index, "cb", key, Long.toString(b.openFor().toMillis()),
                    Integer.toString(b.halfOpenProbes())));
            plan.feedback.cb.add(List.of(key, b.window().toMillis(), b.minimumRuns(), b.failureRatio(),
                    b.openFor().toMillis(), b.halfOpenProbes(), Keys.breakerWindow(id(), bucket, "all"),
                    Keys.breakerWindow(id(), bucket, "fail")));
        }
        if (spec.cooldown() != null) {
            String key = Keys.cooldown(id(), LimitKey.of("eventName").bucket(event, activation));
            plan.checks.add(new Check(index, "cd", key, "0", "0"));
            plan.feedback.cd.add(List.of(key, spec.cooldown().toMillis()));
        }
        if (concurrencyKey != null) {
            String key = Keys.concurrency(id(), bucket(concurrencyKey, event, activation));
            plan.checks.add(new Check(index, "cc", key, Integer.toString(spec.concurrency().max()),
                    Long.toString(plan.concurrencyLease.toMillis())));
            plan.feedback.cc.add(key);
        }
        if (quotaKey != null) {
            DayWindow day = DayWindow.of(ZoneId.of(spec.quota().timezone()), now);
            String key = Keys.quota(id(), day.day().toString(), bucket(quotaKey, event, activation));
            plan.checks.add(new Check(index, "qt", key, Long.toString(spec.quota().maxRunsPerDay()),
                    Long.toString(day.untilNextDay().toMillis()), Keys.quotaIndex(id(), day.day().toString())));
        }
        if (budgetKey != null) {
            DayWindow day = DayWindow.of(ZoneId.of(spec.budget().timezone()), now);
            String key = Keys.budget(id(), day.day().toString(), bucket(budgetKey, event, activation));
            plan.checks.add(new Check(index, "bg", key, spec.budget().maxCostPerDayUsd().toPlainString(),
                    Long.toString(day.untilNextDay().toMillis()), Keys.budgetIndex(id(), day.day().toString())));
            plan.feedback.bg.add(List.of(key, day.untilNextDay().plusDays(1).toMillis()));
        }
        if (rateKey != null) {
            PolicySpec.RateLimit r = spec.rateLimit();
            // Whole microseconds keep the script's arithmetic exact; the rounding changes the rate by < 1 µs/event.
            long intervalMicros = Math.max(1, Math.round(r.period().toNanos() / 1_000d / r.limit()));
            String key = Keys.rate(id(), bucket(rateKey, event, activation));
            plan.checks.add(new Check(index, "rl", key, Long.toString(intervalMicros),
                    Long.toString(r.limit() + r.burst())));
        }
    }

    /** A CEL key that cannot be evaluated puts the event in its tenant's shared "unkeyed" bucket. */
    private static String bucket(LimitKey key, TriggerEvent event, Map<String, Object> activation) {
        try {
            return key.bucket(event, activation);
        } catch (IllegalStateException e) {
            return event.tenantId() + "/?";
        }
    }

    /** One Redis check of one policy. */
    public record Check(int policyIndex, String kind, String key, String p1, String p2, String p3) {

        Check(int policyIndex, String kind, String key, String p1, String p2) {
            this(policyIndex, kind, key, p1, p2, "");
        }
    }

    /**
     * What the run's outcome feeds back, stored with the approval as the feedback script reads it: concurrency keys
     * ({@code cc}), budget keys with their TTL ({@code bg}), cooldown keys with their length ({@code cd}) and
     * breakers with their parameters and window keys ({@code cb}).
     */
    public static final class Feedback {
        public final List<String> cc = new ArrayList<>();
        public final List<List<Object>> bg = new ArrayList<>();
        public final List<List<Object>> cd = new ArrayList<>();
        public final List<List<Object>> cb = new ArrayList<>();

        /** Whether the outcome has anything to feed back at all. */
        public boolean isEmpty() {
            return cc.isEmpty() && bg.isEmpty() && cd.isEmpty() && cb.isEmpty();
        }
    }

    /** The checks of every policy that applies, in order. */
    public static final class Plan {
        public final List<CompiledPolicy> policies = new ArrayList<>();
        public final List<Check> checks = new ArrayList<>();
        public final Feedback feedback = new Feedback();
        final Duration concurrencyLease;

        public Plan(Duration concurrencyLease) {
            this.concurrencyLease = concurrencyLease;
        }
    }
}
