package io.agenttriggers.governance.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a policy is: where it applies ({@link Match}) and what it enforces. Stored as the policy's configuration and
 * as each version's snapshot. Every limit is optional; a policy with none of them only allows or denies. Unknown
 * fields are refused, so a misspelt limit never silently does nothing.
 *
 * @param name           unique per tenant (or among global policies)
 * @param tenantId       owning tenant; {@code null} for a global policy (needs a token that sees every tenant).
 *                       A tenant's policy only ever applies to that tenant's events.
 * @param description    free text for people
 * @param priority       higher runs first; the first rejection wins
 * @param enabled        a disabled policy matches nothing
 * @param match          where it applies; missing or empty matches everything
 * @param action         {@code allow} (default) or {@code deny}
 * @param rateLimit      GCRA rate limit per key
 * @param quota          runs per calendar day per key
 * @param budget         cost per calendar day per key, fed by run outcomes
 * @param cooldown       minimum time after the key's last successful run
 * @param concurrency    in-flight runs per key, released by outcomes
 * @param circuitBreaker opens on the failure ratio of the key's recent outcomes
 * @param onUnavailable  {@code fail-closed} (default: reject as {@code governance_unavailable}) or {@code fail-open}
 *                       (skip this policy's limits) when Redis cannot be reached
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record PolicySpec(String name, String tenantId, String description, Integer priority, Boolean enabled,
        Match match, String action, RateLimit rateLimit, Quota quota, Budget budget, Duration cooldown,
        Concurrency concurrency, CircuitBreaker circuitBreaker, String onUnavailable) {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    public static final String FAIL_OPEN = "fail-open";
    public static final String FAIL_CLOSED = "fail-closed";

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MAX_LIST = 100;
    static final int MAX_PATTERN = 256;
    static final Duration MAX_PERIOD = Duration.ofDays(7);

    /**
     * Where a policy applies. Each list, when present and not empty, must contain the event's value; globs use
     * {@code *} (any run of characters) and {@code ?} (one character).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Match(List<String> tenants, List<String> triggerTypes, List<String> eventNames,
            List<String> sources, String condition) {
    }

    /**
     * At most {@code limit} events per {@code period} (plus {@code burst} at once), per key.
     *
     * @param key {@code tenant} (default), {@code eventName}, {@code source}, {@code policy} (one limit for all the
     *            policy matches) or a CEL expression over {@code event}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record RateLimit(Long limit, Duration period, Long burst, String key) {
    }

    /** At most {@code maxRunsPerDay} approved events per calendar day in {@code timezone}, per key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Quota(Long maxRunsPerDay, String timezone, String key) {
    }

    /** No new runs once the key's reported cost of the calendar day reaches {@code maxCostPerDayUsd}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Budget(BigDecimal maxCostPerDayUsd, String timezone, String key) {
    }

    /** At most {@code max} approved, unfinished runs per key (default key: {@code eventName}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Concurrency(Integer max, String key) {
    }

    /**
     * Opens when, over the last {@code window}, at least {@code minimumRuns} runs of the key ended and the share of
     * failures reached {@code failureRatio}; stays open {@code openFor}, then lets {@code halfOpenProbes} runs
     * through: all succeed → closed, one fails → open again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CircuitBreaker(Duration window, Integer minimumRuns, Double failureRatio, Duration openFor,
            Integer halfOpenProbes, String key) {
    }

    /** The same spec with defaults filled in. */
    public PolicySpec normalized() {
        Match m = match == null ? new Match(null, null, null, null, null) : match;
        return new PolicySpec(name, tenantId == null || tenantId.isBlank() ? null : tenantId, description,
                priority == null ? 0 : priority, enabled == null ? Boolean.TRUE : enabled,
                new Match(orEmpty(m.tenants()), orEmpty(m.triggerTypes()), orEmpty(m.eventNames()),
                        orEmpty(m.sources()), m.condition() == null || m.condition().isBlank() ? null : m.condition()),
                action == null ? ALLOW : action,
                rateLimit == null ? null : new RateLimit(rateLimit.limit(), rateLimit.period(),
                        rateLimit.burst() == null ? 0L : rateLimit.burst(), orDefault(rateLimit.key(), "tenant")),
                quota == null ? null : new Quota(quota.maxRunsPerDay(), orDefault(quota.timezone(), "UTC"),
                        orDefault(quota.key(), "tenant")),
                budget == null ? null : new Budget(budget.maxCostPerDayUsd(), orDefault(budget.timezone(), "UTC"),
                        orDefault(budget.key(), "tenant")),
                cooldown,
                concurrency == null ? null : new Concurrency(concurrency.max(), orDefault(concurrency.key(), "eventName")),
                circuitBreaker == null ? null : new CircuitBreaker(
                        circuitBreaker.window() == null ? Duration.ofMinutes(5) : circuitBreaker.window(),
                        circuitBreaker.minimumRuns() == null ? 10 : circuitBreaker.minimumRuns(),
                        circuitBreaker.failureRatio() == null ? 0.5 : circuitBreaker.failureRatio(),
                        circuitBreaker.openFor() == null ? Duration.ofMinutes(1) : circuitBreaker.openFor(),
                        circuitBreaker.halfOpenProbes() == null ? 1 : circuitBreaker.halfOpenProbes(),
                        orDefault(circuitBreaker.key(), "eventName")),
                onUnavailable == null ? FAIL_CLOSED : onUnavailable);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** Whether any limit needs Redis. */
    public boolean stateful() {
        return rateLimit != null || quota != null || budget != null || cooldown != null || concurrency != null
                || circuitBreaker != null;
    }

    /** Field errors of a normalized spec; empty when valid. */
    public List<FieldError> problems() {
        List<FieldError> out = new ArrayList<>();
        if (name == null || name.isBlank()) {
            out.add(new FieldError("name", "is required"));
        } else if (!NAME.matcher(name).matches()) {
            out.add(new FieldError("name", "must be 1-100 letters, digits, '.', '_' or '-'"));
        }
        if (tenantId != null && !TENANT.matcher(tenantId).matches()) {
            out.add(new FieldError("tenantId", "must be 1-64 letters, digits, '.', '_' or '-'"));
        }
        if (description != null && description.length() > 1000) {
            out.add(new FieldError("description", "must be at most 1000 characters"));
        }
        if (priority != null && (priority < -1_000_000 || priority > 1_000_000)) {
            out.add(new FieldError("priority", "must be between -1000000 and 1000000"));
        }
        if (!ALLOW.equals(action) && !DENY.equals(action)) {
            out.add(new FieldError("action", "must be allow or deny"));
        }
        if (!FAIL_OPEN.equals(onUnavailable) && !FAIL_CLOSED.equals(onUnavailable)) {
            out.add(new FieldError("onUnavailable", "must be fail-open or fail-closed"));
        }
        if (match != null) {
            checkMatch(out);
        }
        if (rateLimit != null) {
            if (rateLimit.limit() == null || rateLimit.limit() < 1 || rateLimit.limit() > 1_000_000_000L) {
                out.add(new FieldError("rateLimit.limit", "must be between 1 and 1000000000"));
            }
            checkPeriod(out, "rateLimit.period", rateLimit.period(), true);
            if (rateLimit.burst() != null && (rateLimit.burst() < 0 || rateLimit.burst() > 1_000_000_000L)) {
                out.add(new FieldError("rateLimit.burst", "must be between 0 and 1000000000"));
            }
            checkKey(out, "rateLimit.key", rateLimit.key());
        }
        if (quota != null) {
            if (quota.maxRunsPerDay() == null || quota.maxRunsPerDay() < 0) {
                out.add(new FieldError("quota.maxRunsPerDay", "is required and cannot be negative"));
            }
            checkZone(out, "quota.timezone", quota.timezone());
            checkKey(out, "quota.key", quota.key());
        }
        if (budget != null) {
            if (budget.maxCostPerDayUsd() == null || budget.maxCostPerDayUsd().signum() < 0) {
                out.add(new FieldError("budget.maxCostPerDayUsd", "is required and cannot be negative"));
            }
            checkZone(out, "budget.timezone", budget.timezone());
            checkKey(out, "budget.key", budget.key());
        }
        if (cooldown != null) {
            checkPeriod(out, "cooldown", cooldown, true);
        }
        if (concurrency != null) {
            if (concurrency.max() == null || concurrency.max() < 1 || concurrency.max() > 100_000) {
                out.add(new FieldError("concurrency.max", "must be between 1 and 100000"));
            }
            checkKey(out, "concurrency.key", concurrency.key());
        }
        if (circuitBreaker != null) {
            CircuitBreaker b = circuitBreaker;
            checkPeriod(out, "circuitBreaker.window", b.window(), false);
            checkPeriod(out, "circuitBreaker.openFor", b.openFor(), false);
            if (b.minimumRuns() == null || b.minimumRuns() < 1 || b.minimumRuns() > 10_000) {
                out.add(new FieldError("circuitBreaker.minimumRuns", "must be between 1 and 10000"));
            }
            if (b.failureRatio() == null || !(b.failureRatio() > 0) || b.failureRatio() > 1) {
                out.add(new FieldError("circuitBreaker.failureRatio", "must be greater than 0 and at most 1"));
            }
            if (b.halfOpenProbes() == null || b.halfOpenProbes() < 1 || b.halfOpenProbes() > 1000) {
                out.add(new FieldError("circuitBreaker.halfOpenProbes", "must be between 1 and 1000"));
            }
            checkKey(out, "circuitBreaker.key", b.key());
        }
        return out;
    }

    private void checkMatch(List<FieldError> out) {
        checkList(out, "match.tenants", match.tenants());
        checkList(out, "match.eventNames", match.eventNames());
        checkList(out, "match.sources", match.sources());
        checkList(out, "match.triggerTypes", match.triggerTypes());
        if (match.triggerTypes() != null) {
            for (String t : match.triggerTypes()) {
                try {
                    TriggerType.fromWire(t);
                } catch (IllegalArgumentException e) {
                    out.add(new FieldError("match.triggerTypes", "unknown trigger type '" + t + "'"));
                }
            }
        }
        if (tenantId != null && match.tenants() != null && !match.tenants().isEmpty()
                && match.tenants().stream().noneMatch(t -> Glob.compile(t).matches(tenantId))) {
            out.add(new FieldError("match.tenants", "a tenant's policy can only match its own tenant"));
        }
        if (match.condition() != null) {
            try {
                EventCel.compile(match.condition(), EventCel.Kind.CONDITION);
            } catch (IllegalArgumentException e) {
                out.add(new FieldError("match.condition", e.getMessage()));
            }
        }
    }

    private static void checkList(List<FieldError> out, String field, List<String> values) {
        if (values == null) {
            return;
        }
        if (values.size() > MAX_LIST) {
            out.add(new FieldError(field, "holds at most " + MAX_LIST + " entries"));
        }
        for (String v : values) {
            if (v == null || v.isBlank() || v.length() > MAX_PATTERN) {
                out.add(new FieldError(field, "entries are 1-" + MAX_PATTERN + " characters"));
                return;
            }
        }
    }

    private static void checkPeriod(List<FieldError> out, String field, Duration d, boolean required) {
        if (d == null) {
            if (required) {
                out.add(new FieldError(field, "is required (ISO-8601 duration, e.g. PT1M)"));
            }
            return;
        }
        if (d.toMillis() < 1 || d.compareTo(MAX_PERIOD) > 0) {
            out.add(new FieldError(field, "must be between PT0.001S and P7D"));
        }
    }

    private static void checkZone(List<FieldError> out, String field, String zone) {
        try {
            ZoneId.of(zone);
        } catch (DateTimeException | NullPointerException e) {
            out.add(new FieldError(field, "is not an IANA time zone: " + zone));
        }
    }

    private static void checkKey(List<FieldError> out, String field, String key) {
        if (key == null || LimitKey.BUILT_IN.contains(key)) {
            return;
        }
        try {
            EventCel.compile(key, EventCel.Kind.KEY);
        } catch (IllegalArgumentException e) {
            out.add(new FieldError(field, "is tenant, eventName, source, policy or a CEL expression; this one "
                    + e.getMessage()));
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
