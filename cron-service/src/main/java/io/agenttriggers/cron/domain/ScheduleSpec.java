package io.agenttriggers.cron.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A schedule as registered ({@code /api/v1/schedules}), stored whole as JSON. {@code name} is optional (a label;
 * the declarative file and deployments use it to recognise their schedules). {@code workflowId} is set only on a
 * workflow deployment's schedules, and goes on their events.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(String tenantId, String name, String eventName, String expression, String timezone, String description,
        String focus, JsonNode payload, DispatchOptions options, Integer jitterSeconds, OverlapPolicy overlapPolicy,
        MisfirePolicy misfirePolicy, Duration catchUpWindow, OffsetDateTime startAt, OffsetDateTime endAt,
        Boolean enabled, GovernanceSpec governance, String workflowId) {

    /** Limits governance-service keeps for this schedule's events (synced there as a policy). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GovernanceSpec(Duration cooldown, Integer maxRunsPerDay, BigDecimal maxCostPerDayUsd) {
    }

    public static final int MAX_JITTER_SECONDS = 3600;
    public static final Duration DEFAULT_CATCH_UP_WINDOW = Duration.ofHours(1);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    /** The same schedule as a deployment of {@code workflowId} holds it, for {@code tenantId}. */
    public ScheduleSpec ownedBy(String tenantId, String workflowId) {
        return new ScheduleSpec(tenantId, name, eventName, expression, timezone, description, focus, payload, options,
                jitterSeconds, overlapPolicy, misfirePolicy, catchUpWindow, startAt, endAt, enabled, governance,
                workflowId);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    public OverlapPolicy overlap() {
        return overlapPolicy == null ? OverlapPolicy.ALLOW : overlapPolicy;
    }

    public MisfirePolicy misfire() {
        return misfirePolicy == null ? MisfirePolicy.FIRE_ONCE : misfirePolicy;
    }

    public Duration catchUp() {
        return catchUpWindow == null ? DEFAULT_CATCH_UP_WINDOW : catchUpWindow;
    }

    public int jitter() {
        return jitterSeconds == null ? 0 : jitterSeconds;
    }

    /** The parsed expression (throws {@link InvalidCronException}). */
    public CronExpression cron() {
        return CronExpression.parse(expression, timezone);
    }

    /** Every problem of the registration, its fallback URL against the outbound policy included. */
    public List<FieldError> check(OutboundUrlPolicy urls) {
        List<FieldError> errors = new ArrayList<>();
        if (tenantId == null || !IDENTIFIER.matcher(tenantId).matches()) {
            errors.add(new FieldError("tenantId", "is required: 1-128 letters, digits, '.', '_', ':' or '-'"));
        }
        if (name != null && (name.isBlank() || name.length() > 200)) {
            errors.add(new FieldError("name", "must be 1-200 characters"));
        }
        if (eventName == null || !EVENT_NAME.matcher(eventName).matches()) {
            errors.add(new FieldError("eventName", "is required: 1-200 letters, digits, '.', '_', ':', '/' or '-'"));
        }
        try {
            cron();
        } catch (InvalidCronException e) {
            errors.add(new FieldError(e.field().equals("timezone") ? "timezone" : "expression",
                    (e.field().equals("timezone") || e.field().equals("expression") ? "" : e.field() + " field: ")
                            + e.getMessage()));
        }
        if (description != null && description.length() > 2000) {
            errors.add(new FieldError("description", "must be at most 2000 characters"));
        }
        if (focus != null && focus.length() > 500) {
            errors.add(new FieldError("focus", "must be at most 500 characters"));
        }
        if (payload != null && payload.toString().length() > 65_536) {
            errors.add(new FieldError("payload", "must be at most 64 KiB of JSON"));
        }
        if (jitterSeconds != null && (jitterSeconds < 0 || jitterSeconds > MAX_JITTER_SECONDS)) {
            errors.add(new FieldError("jitterSeconds", "must be between 0 and " + MAX_JITTER_SECONDS));
        }
        if (catchUpWindow != null && (catchUpWindow.isNegative() || catchUpWindow.isZero()
                || catchUpWindow.toDays() > 31)) {
            errors.add(new FieldError("catchUpWindow", "must be between PT1S and P31D"));
        }
        if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
            errors.add(new FieldError("endAt", "must be after startAt"));
        }
        if (options != null && options.fallback() != null) {
            urls.check("options.fallback.url", options.fallback().url(), errors);
        }
        if (governance != null) {
            if (governance.cooldown() != null && (governance.cooldown().isNegative()
                    || governance.cooldown().toDays() > 7)) {
                errors.add(new FieldError("governance.cooldown", "must be between PT0S and P7D"));
            }
            if (governance.maxRunsPerDay() != null && governance.maxRunsPerDay() < 1) {
                errors.add(new FieldError("governance.maxRunsPerDay", "must be at least 1"));
            }
            if (governance.maxCostPerDayUsd() != null && governance.maxCostPerDayUsd().signum() <= 0) {
                errors.add(new FieldError("governance.maxCostPerDayUsd", "must be positive"));
            }
        }
        return errors;
    }
}
