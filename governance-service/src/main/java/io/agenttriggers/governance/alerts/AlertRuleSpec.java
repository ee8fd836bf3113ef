package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A tenant's alert rule: what to watch ({@code kind} over the outcomes in {@code scope}), how alerts group, and where
 * notifications go. Unknown fields are refused, so a misspelt threshold never silently does nothing.
 *
 * @param tenantId       the owning tenant; a rule only ever sees that tenant's runs
 * @param name           unique per tenant
 * @param kind           {@code consecutive-failures}, {@code failure-ratio}, {@code latency-p95},
 *                       {@code dead-lettered} or {@code circuit-open} (a governance circuit breaker opened by the
 *                       tenant's outcomes; one alert per breaker, resolved when it closes), {@code cron-misfire},
 *                       {@code verification-failures} or {@code runtime-paused} (signals of other services), or
 *                       {@code budget-share} (a quota or budget of the tenant's policies used up to a share today)
 * @param scope          which runs count; missing matches every run of the tenant
 * @param groupBy        {@code eventName} (default: one alert per event name), {@code triggerType}, {@code source},
 *                       {@code workflowId} or {@code tenant}
 *                       (one alert for all the rule sees); circuit-open rules group by breaker
 * @param notifyAt       consecutive-failures: the counts that notify (default 1, 3, 5)
 * @param shares         budget-share: the shares of a day's quota or budget that notify (default 0.8, 1)
 * @param window         failure-ratio and latency-p95: the sliding window (default PT5M); dead-lettered: how long
 *                       without a dead letter resolves the alert (default PT15M)
 * @param minRuns        failure-ratio and latency-p95: fewer runs in the window never fire (default 10)
 * @param threshold      failure-ratio: the share of failed runs that fires (0–1, default 0.5); latency-p95: the p95 in
 *                       milliseconds that fires
 * @param latency        latency-p95: {@code runtime} (default: the dispatcher's start to the terminal state) or
 *                       {@code end-to-end} (the ingress accepting the event to the terminal state)
 * @param repeatInterval a firing alert notifies again after this long if it still has news (default PT1H)
 * @param channels       the ids of the tenant's channels to notify (1–5)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record AlertRuleSpec(String tenantId, String name, String description, Boolean enabled, String kind,
        Scope scope, String groupBy, List<Integer> notifyAt, List<Double> shares, Duration window, Integer minRuns, Double threshold,
        String latency, Duration repeatInterval, List<String> channels) {

    public static final String CONSECUTIVE_FAILURES = "consecutive-failures";
    public static final String FAILURE_RATIO = "failure-ratio";
    public static final String LATENCY_P95 = "latency-p95";
    public static final String DEAD_LETTERED = "dead-lettered";
    public static final String CIRCUIT_OPEN = "circuit-open";
    /** Signals of other services: a schedule missed fire times or cannot be planned (cron-service). */
    public static final String CRON_MISFIRE = "cron-misfire";
    /** Deliveries refused for their credentials reach a count over a window (webhook-gateway). */
    public static final String VERIFICATION_FAILURES = "verification-failures";
    /** The agent runtime's breaker paused the dispatcher (installation-wide; one alert per dispatcher replica). */
    public static final String RUNTIME_PAUSED = "runtime-paused";
    /** A quota or budget of the tenant's policies reached a share of its day (read from governance's own state). */
    public static final String BUDGET_SHARE = "budget-share";
    static final List<String> KINDS = List.of(CONSECUTIVE_FAILURES, FAILURE_RATIO, LATENCY_P95, DEAD_LETTERED,
            CIRCUIT_OPEN, CRON_MISFIRE, VERIFICATION_FAILURES, RUNTIME_PAUSED, BUDGET_SHARE);

    /** Whether the rule counts run outcomes (the others count breaker moves, usage or other services' signals). */
    public boolean countsOutcomes() {
        return !CIRCUIT_OPEN.equals(kind) && !BUDGET_SHARE.equals(kind) && !signalled();
    }

    /** Whether the rule counts other services' signals. */
    public boolean signalled() {
        return CRON_MISFIRE.equals(kind) || VERIFICATION_FAILURES.equals(kind) || RUNTIME_PAUSED.equals(kind);
    }

    private boolean hasWindow() {
        return FAILURE_RATIO.equals(kind) || LATENCY_P95.equals(kind) || DEAD_LETTERED.equals(kind)
                || CRON_MISFIRE.equals(kind) || VERIFICATION_FAILURES.equals(kind);
    }
    public static final String END_TO_END = "end-to-end";
    static final List<String> LATENCIES = List.of("runtime", END_TO_END);

    /** Whether latency counts from the ingress accepting the event rather than from the dispatcher's start. */
    public boolean endToEnd() {
        return END_TO_END.equals(latency);
    }
    static final List<String> GROUP_BY = List.of("eventName", "triggerType", "source", "workflowId", "tenant");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final Duration MAX_WINDOW = Duration.ofHours(24);
    private static final Duration MIN_REPEAT = Duration.ofMinutes(1);
    private static final Duration MAX_REPEAT = Duration.ofDays(7);
    /** A window keeps a bucket per minute, so its length bounds an alert's stored state. */
    static final int MAX_BUCKETS = (int) MAX_WINDOW.toMinutes();

    /** Which runs a rule counts; each field, when given, must match. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Scope(String eventName, String triggerType, String source, String workflowId) {
    }

    /** The spec with its defaults filled in, as it is stored. */
    public AlertRuleSpec normalized() {
        boolean consecutive = CONSECUTIVE_FAILURES.equals(kind);
        boolean windowed = FAILURE_RATIO.equals(kind) || LATENCY_P95.equals(kind);
        boolean spike = VERIFICATION_FAILURES.equals(kind);
        boolean usage = BUDGET_SHARE.equals(kind);
        return new AlertRuleSpec(tenantId, name, description, enabled == null ? Boolean.TRUE : enabled, kind,
                scope, usage ? "bucket" : groupBy == null ? "eventName" : groupBy,
                consecutive ? (notifyAt == null ? List.of(1, 3, 5) : notifyAt.stream().sorted().distinct().toList())
                        : null,
                usage ? (shares == null ? List.of(0.8, 1.0) : shares.stream().sorted().distinct().toList()) : null,
                !hasWindow() ? null : window != null ? window
                        : DEAD_LETTERED.equals(kind) ? Duration.ofMinutes(15)
                        : CRON_MISFIRE.equals(kind) ? Duration.ofHours(1) : Duration.ofMinutes(5),
                windowed ? (minRuns == null ? 10 : minRuns) : null,
                spike ? (threshold == null ? Double.valueOf(10) : threshold)
                        : windowed ? (threshold == null && FAILURE_RATIO.equals(kind) ? 0.5 : threshold) : null,
                LATENCY_P95.equals(kind) ? (latency == null ? "runtime" : latency) : null,
                repeatInterval == null ? Duration.ofHours(1) : repeatInterval,
                channels == null ? List.of() : channels);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** What is wrong with the spec, one entry per field; empty when it is valid. */
    public List<FieldError> problems() {
        List<FieldError> errors = new ArrayList<>();
        if (tenantId == null || !TENANT.matcher(tenantId).matches()) {
            errors.add(new FieldError("tenantId", "is required: 1–64 letters, digits, '.', '_' or '-'"));
        }
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "is required: 1–100 letters, digits, '.', '_' or '-'"));
        }
        if (description != null && description.length() > 1000) {
            errors.add(new FieldError("description", "must be at most 1000 characters"));
        }
        if (kind == null || !KINDS.contains(kind)) {
            errors.add(new FieldError("kind", "must be one of " + String.join(", ", KINDS)));
        }
        if (scope != null) {
            if (scope.eventName() != null && (scope.eventName().isBlank() || scope.eventName().length() > 256)) {
                errors.add(new FieldError("scope.eventName", "must be a glob of 1–256 characters"));
            }
            if (scope.triggerType() != null && !isTriggerType(scope.triggerType())) {
                errors.add(new FieldError("scope.triggerType", "is not a trigger type"));
            }
            if (scope.source() != null && (scope.source().isBlank() || scope.source().length() > 512)) {
                errors.add(new FieldError("scope.source", "must be a glob of 1–512 characters"));
            }
            if (scope.workflowId() != null && (scope.workflowId().isBlank() || scope.workflowId().length() > 512)) {
                errors.add(new FieldError("scope.workflowId", "must be 1–512 characters"));
            }
        }
        boolean usage = BUDGET_SHARE.equals(kind);
        if (usage && scope != null) {
            errors.add(new FieldError("scope", "does not apply to budget-share rules: they watch every quota and "
                    + "budget of the tenant's policies"));
        }
        if (usage && groupBy != null && !"bucket".equals(groupBy)) {
            errors.add(new FieldError("groupBy", "budget-share rules group by bucket (one alert per policy, limit "
                    + "and bucket)"));
        } else if (!usage && groupBy != null && !GROUP_BY.contains(groupBy)) {
            errors.add(new FieldError("groupBy", "must be one of " + String.join(", ", GROUP_BY)));
        }
        if (shares != null && (!usage || shares.isEmpty() || shares.size() > 5
                || shares.stream().anyMatch(v -> v == null || !(v > 0 && v <= 1)))) {
            errors.add(new FieldError("shares", usage ? "must hold 1–5 shares above 0 and at most 1"
                    : "applies to budget-share rules only"));
        }
        boolean consecutive = CONSECUTIVE_FAILURES.equals(kind);
        if (notifyAt != null && (!consecutive || notifyAt.isEmpty() || notifyAt.size() > 10
                || notifyAt.stream().anyMatch(n -> n == null || n < 1 || n > 10_000))) {
            errors.add(new FieldError("notifyAt", consecutive ? "must hold 1–10 counts from 1 to 10000"
                    : "applies to consecutive-failures rules only"));
        }
        if (window != null && (!hasWindow() || window.compareTo(Duration.ofMinutes(1)) < 0
                || window.compareTo(MAX_WINDOW) > 0 || window.toSecondsPart() != 0)) {
            errors.add(new FieldError("window", !hasWindow() ? "does not apply to " + kind + " rules"
                    : "must be whole minutes from PT1M to PT24H"));
        }
        boolean windowed = FAILURE_RATIO.equals(kind) || LATENCY_P95.equals(kind);
        if (minRuns != null && (!windowed || minRuns < 1 || minRuns > 1_000_000)) {
            errors.add(new FieldError("minRuns", windowed ? "must be from 1 to 1000000"
                    : "applies to failure-ratio and latency-p95 rules only"));
        }
        if (FAILURE_RATIO.equals(kind) && threshold != null && !(threshold > 0 && threshold <= 1)) {
            errors.add(new FieldError("threshold", "must be a share above 0 and at most 1"));
        } else if (LATENCY_P95.equals(kind) && (threshold == null || !(threshold >= 1 && threshold <= 3_600_000))) {
            errors.add(new FieldError("threshold", "is required: the p95 in milliseconds, from 1 to 3600000"));
        } else if (VERIFICATION_FAILURES.equals(kind)) {
            if (threshold != null && !(threshold >= 1 && threshold <= 1_000_000 && threshold == Math.rint(threshold))) {
                errors.add(new FieldError("threshold", "must be a whole count of failures from 1 to 1000000"));
            }
        } else if (threshold != null && !windowed) {
            errors.add(new FieldError("threshold", "applies to failure-ratio, latency-p95 and verification-failures "
                    + "rules only"));
        }
        if (latency != null && (!LATENCY_P95.equals(kind) || !LATENCIES.contains(latency))) {
            errors.add(new FieldError("latency", LATENCY_P95.equals(kind) ? "must be one of "
                    + String.join(", ", LATENCIES) : "applies to latency-p95 rules only"));
        }
        if (repeatInterval != null && (repeatInterval.compareTo(MIN_REPEAT) < 0
                || repeatInterval.compareTo(MAX_REPEAT) > 0)) {
            errors.add(new FieldError("repeatInterval", "must be from PT1M to P7D"));
        }
        if (channels == null || channels.isEmpty() || channels.size() > 5
                || channels.stream().anyMatch(c -> c == null || !ID.matcher(c).matches())) {
            errors.add(new FieldError("channels", "must name 1–5 channel ids"));
        }
        return errors;
    }

    private static boolean isTriggerType(String wire) {
        try {
            TriggerType.fromWire(wire);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
