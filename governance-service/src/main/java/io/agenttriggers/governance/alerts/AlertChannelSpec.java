package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a tenant's notifications go.
 *
 * @param type {@code webhook} (a JSON POST signed as Standard Webhooks; the signing secret is made at creation and
 *             shown once), {@code slack} (an incoming-webhook message; the URL is the credential, so it is sealed
 *             like a secret and never shown again) or {@code email} (SMTP, to the {@code to} addresses)
 * @param url  webhook and slack: the HTTPS URL. A slack channel's is kept out of the stored configuration.
 * @param to   email: 1–10 addresses
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record AlertChannelSpec(String tenantId, String name, String description, Boolean enabled, String type,
        String url, List<String> to) {

    public static final String WEBHOOK = "webhook";
    public static final String SLACK = "slack";
    public static final String EMAIL = "email";
    static final List<String> TYPES = List.of(WEBHOOK, SLACK, EMAIL);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A plain address: no display names, no comments, no line breaks that could add headers. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** The configuration as stored: a Slack URL is a credential and is sealed instead. */
    AlertChannelSpec stored() {
        return SLACK.equals(type) ? new AlertChannelSpec(tenantId, name, description, isEnabled(), type, null, to)
                : new AlertChannelSpec(tenantId, name, description, isEnabled(), type, url, to);
    }

    /** What is wrong with the spec (the URL's destination is checked against the outbound policy apart). */
    public List<FieldError> problems(boolean creating) {
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
        if (type == null || !TYPES.contains(type)) {
            errors.add(new FieldError("type", "must be one of " + String.join(", ", TYPES)));
            return errors;
        }
        boolean needsUrl = WEBHOOK.equals(type) || (SLACK.equals(type) && creating);
        if (needsUrl && (url == null || url.isBlank())) {
            errors.add(new FieldError("url", "is required for a " + type + " channel"));
        } else if (EMAIL.equals(type) && url != null) {
            errors.add(new FieldError("url", "does not apply to an email channel"));
        }
        if (EMAIL.equals(type)) {
            if (to == null || to.isEmpty() || to.size() > 10) {
                errors.add(new FieldError("to", "must hold 1–10 addresses"));
            } else {
                for (int i = 0; i < to.size(); i++) {
                    if (to.get(i) == null || !ADDRESS.matcher(to.get(i)).matches()) {
                        errors.add(new FieldError("to[" + i + "]", "is not a plain e-mail address"));
                    }
                }
            }
        } else if (to != null) {
            errors.add(new FieldError("to", "applies to email channels only"));
        }
        return errors;
    }
}
