package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an endpoint is, without its secret: stored as the endpoint's configuration and as each version's snapshot.
 * Unknown fields are refused, so a misspelt option never silently does nothing. {@code workflowId} is set only on the
 * endpoints a workflow deployment holds (its events carry it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record EndpointSpec(String name, String tenantId, String eventName, AuthSpec auth, ResponseMode responseMode,
        Integer syncTimeoutSeconds, String focus, String filter, GithubFilter github, TransformSpec transform,
        DedupSpec dedup, RateLimitSpec rateLimit, RateLimitSpec sourceIpRateLimit, Boolean enabled,
        String workflowId) {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** The same spec with defaults filled in. */
    public EndpointSpec normalized() {
        return new EndpointSpec(name, tenantId, eventName, auth,
                responseMode == null ? ResponseMode.ASYNC : responseMode,
                syncTimeoutSeconds == null ? 30 : syncTimeoutSeconds, focus == null || focus.isBlank() ? null : focus,
                filter == null || filter.isBlank() ? null : filter, github, transform, dedup, rateLimit, sourceIpRateLimit,
                enabled == null ? Boolean.TRUE : enabled, workflowId);
    }

    /** The spec as a workflow deployment holds it: the deployment's tenant and workflow, defaults filled in. */
    public EndpointSpec ownedBy(String tenant, String workflow) {
        return new EndpointSpec(name, tenant, eventName, auth, responseMode, syncTimeoutSeconds, focus, filter, github,
                transform, dedup, rateLimit, sourceIpRateLimit, enabled, workflow).normalized();
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** Field errors of a (normalized) spec and the secret that comes with it; empty when valid. */
    public List<FieldError> problems(String secret) {
        List<FieldError> out = new ArrayList<>();
        check(out, "name", name, NAME, "1-100 letters, digits, '.', '_' or '-'");
        check(out, "tenantId", tenantId, TENANT, "1-64 letters, digits, '.', '_' or '-'");
        check(out, "eventName", eventName, EVENT_NAME, "1-128 letters, digits, '.', '_', ':' or '-'");
        if (auth == null) {
            out.add(new FieldError("auth", "is required; use {\"type\":\"none\"} for an open endpoint"));
        } else {
            auth.problems().forEach(p -> out.add(new FieldError(p.substring(0, p.indexOf(' ')), p)));
            if (secret != null && auth.type() == AuthType.NONE) {
                out.add(new FieldError("secret", "an endpoint without authentication has no secret"));
            }
            if (secret != null && auth.type() == AuthType.GITHUB_APP) {
                out.add(new FieldError("secret", "a github-app endpoint is verified with the App's webhook secret"));
            }
            if (auth.type() == AuthType.GITHUB_APP && responseMode == ResponseMode.SYNC) {
                out.add(new FieldError("responseMode", "a GitHub App delivery fans out to several endpoints and is "
                        + "answered at once: github-app endpoints are async"));
            }
            if (secret != null && auth.type().hasSecret()) {
                if (secret.length() < 8 || secret.length() > 512) {
                    out.add(new FieldError("secret", "must be 8-512 characters"));
                }
                if (auth.type() == AuthType.STANDARD_WEBHOOKS && !secret.startsWith("whsec_")) {
                    out.add(new FieldError("secret", "Standard Webhooks secrets look like whsec_<base64>"));
                }
            }
        }
        if (syncTimeoutSeconds != null && (syncTimeoutSeconds < 1 || syncTimeoutSeconds > 300)) {
            out.add(new FieldError("syncTimeoutSeconds", "must be between 1 and 300"));
        }
        if (focus != null && focus.length() > 512) {
            out.add(new FieldError("focus", "must be at most 512 characters"));
        }
        if (filter != null) {
            try {
                CelFilter.compile(filter);
            } catch (IllegalArgumentException e) {
                out.add(new FieldError("filter", e.getMessage()));
            }
        }
        if (transform != null) {
            Transformer.compile(transform, out);
        }
        if (github != null) {
            if (auth != null && !auth.type().github()) {
                out.add(new FieldError("github", "applies to endpoints with auth.type github or github-app"));
            }
            if (github.context() != null && auth != null && auth.type() != AuthType.GITHUB_APP) {
                out.add(new FieldError("github.context", "applies to github-app endpoints (the App fetches it)"));
            }
            github.check(out);
        }
        if (rateLimit != null) {
            rateLimit.check("rateLimit", out);
        }
        if (sourceIpRateLimit != null) {
            sourceIpRateLimit.check("sourceIpRateLimit", out);
        }
        if (dedup != null) {
            if (dedup.header() == null && dedup.jsonPath() == null) {
                out.add(new FieldError("dedup", "set header or jsonPath"));
            }
            if (dedup.jsonPath() != null) {
                try {
                    JsonPath.compile(dedup.jsonPath());
                } catch (InvalidPathException | IllegalArgumentException e) {
                    out.add(new FieldError("dedup.jsonPath", "is not a JSONPath: " + e.getMessage()));
                }
            }
        }
        return out;
    }

    private static void check(List<FieldError> out, String field, String value, Pattern pattern, String rule) {
        if (value == null || value.isBlank()) {
            out.add(new FieldError(field, "is required"));
        } else if (!pattern.matcher(value).matches()) {
            out.add(new FieldError(field, "must be " + rule));
        }
    }
}
