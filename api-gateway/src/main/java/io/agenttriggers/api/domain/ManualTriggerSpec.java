package io.agenttriggers.api.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.security.Roles;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A manual trigger: an event operators fire by name ({@code POST /api/v1/manual/{eventName}}), optionally only after
 * confirming (the first call answers a confirmation token, the second call with it runs).
 *
 * @param roles                  roles allowed to fire it (default admin and operator)
 * @param confirmationTtlSeconds how long a confirmation token stays valid (default 300)
 * @param name                   a label; a workflow deployment recognises its manual triggers by it
 * @param workflowId             set only on a workflow deployment's manual triggers, and on their events
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManualTriggerSpec(String tenantId, String eventName, String description, List<String> roles,
        Boolean requireConfirmation, Integer confirmationTtlSeconds, String focus, DispatchOptions options,
        Boolean enabled, String name, String workflowId) {

    public static final List<String> DEFAULT_ROLES = List.of(Roles.ADMIN, Roles.OPERATOR);
    private static final Set<String> KNOWN_ROLES = Set.of(Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    /** Whether {@code name} could name a manual trigger (the rule {@link #check} applies to a new one). */
    public static boolean isEventName(String name) {
        return name != null && EVENT_NAME.matcher(name).matches();
    }

    /** The same trigger as a deployment of {@code workflowId} holds it, for {@code tenantId}. */
    public ManualTriggerSpec ownedBy(String tenantId, String workflowId) {
        return new ManualTriggerSpec(tenantId, eventName, description, roles, requireConfirmation,
                confirmationTtlSeconds, focus, options, enabled, name, workflowId);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    public boolean confirms() {
        return Boolean.TRUE.equals(requireConfirmation);
    }

    public List<String> rolesOrDefault() {
        return roles == null || roles.isEmpty() ? DEFAULT_ROLES : roles;
    }

    public int confirmationTtl() {
        return confirmationTtlSeconds == null ? 300 : confirmationTtlSeconds;
    }

    /** Every problem of the registration, its fallback URL against the outbound policy included. */
    public List<FieldError> check(OutboundUrlPolicy urls) {
        List<FieldError> errors = new java.util.ArrayList<>();
        if (tenantId == null || !IDENTIFIER.matcher(tenantId).matches()) {
            errors.add(new FieldError("tenantId", "is required: 1-128 letters, digits, '.', '_', ':' or '-'"));
        }
        if (!isEventName(eventName)) {
            errors.add(new FieldError("eventName", "is required: 1-200 letters, digits, '.', '_', ':' or '-'"));
        }
        if (name != null && (name.isBlank() || name.length() > 200)) {
            errors.add(new FieldError("name", "must be 1-200 characters"));
        }
        if (description != null && description.length() > 2000) {
            errors.add(new FieldError("description", "must be at most 2000 characters"));
        }
        if (roles != null && !KNOWN_ROLES.containsAll(roles)) {
            errors.add(new FieldError("roles", "must be among " + new java.util.TreeSet<>(KNOWN_ROLES)));
        }
        if (confirmationTtlSeconds != null && (confirmationTtlSeconds < 1 || confirmationTtlSeconds > 86_400)) {
            errors.add(new FieldError("confirmationTtlSeconds", "must be between 1 and 86400"));
        }
        if (focus != null && focus.length() > 500) {
            errors.add(new FieldError("focus", "must be at most 500 characters"));
        }
        if (options != null && options.fallback() != null) {
            urls.check("options.fallback.url", options.fallback().url(), errors);
        }
        return errors;
    }
}
