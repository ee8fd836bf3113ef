package io.agenttriggers.api.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.schema.SafeSchemas;
import io.agenttriggers.common.schema.SchemaRefusedException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An API trigger as registered (the JSON of {@code /admin/v1/api-triggers}, stored whole). {@link #compile} checks
 * every field and gives the runtime form. {@code workflowId} is set only on the triggers a workflow deployment holds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiTriggerSpec(String tenantId, String name, String method, String path, String eventName,
        String description, ResponseMode responseMode, Integer syncTimeoutSeconds, String focus, Boolean authRequired,
        JsonNode requestSchema, RateLimitSpec rateLimit, List<String> dropFields, DispatchOptions options,
        Boolean enabled, String workflowId) {

    /** Path prefixes that belong to the gateway itself. */
    public static final List<String> RESERVED_PREFIXES = List.of("/q/", "/admin/", "/runs/", "/api/v1/runs/",
            "/api/v1/manual/", "/openapi", "/swagger-ui");
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    public static final int MAX_SYNC_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_SYNC_TIMEOUT_SECONDS = 30;
    /** Largest request schema (its JSON text). */
    public static final int MAX_SCHEMA_CHARS = SafeSchemas.MAX_CHARS;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    /** The registration as a workflow deployment holds it: the deployment's tenant and workflow. */
    public ApiTriggerSpec ownedBy(String tenant, String workflow) {
        return new ApiTriggerSpec(tenant, name, method, path, eventName, description, responseMode,
                syncTimeoutSeconds, focus, authRequired, requestSchema, rateLimit, dropFields, options, enabled,
                workflow);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** The name, defaulting to {@code METHOD path}. */
    public String nameOrDefault() {
        return name != null ? name : methodOrDefault() + " " + path;
    }

    public String methodOrDefault() {
        return method == null ? "POST" : method.toUpperCase(Locale.ROOT);
    }

    /**
     * Validates a registration, its fallback URL against the outbound policy included, and compiles the runtime form;
     * {@code errors} gets one entry per problem.
     */
    public ApiTrigger compile(String id, int version, String managedBy, OutboundUrlPolicy urls,
            List<FieldError> errors) {
        if (options != null && options.fallback() != null) {
            urls.check("options.fallback.url", options.fallback().url(), errors);
        }
        return compile(id, version, managedBy, errors);
    }

    /**
     * Validates everything but the outbound URLs and compiles the runtime form; {@code errors} gets one entry per
     * problem. For triggers already registered: their URLs passed the policy then and the dispatcher checks them again
     * before every call, so a narrower allow-list fails their fallbacks instead of taking their routes away.
     */
    public ApiTrigger compile(String id, int version, String managedBy, List<FieldError> errors) {
        if (tenantId == null || !IDENTIFIER.matcher(tenantId).matches()) {
            errors.add(new FieldError("tenantId", "is required: 1-128 letters, digits, '.', '_', ':' or '-'"));
        }
        if (name != null && (name.isBlank() || name.length() > 200)) {
            errors.add(new FieldError("name", "must be 1-200 characters"));
        }
        if (!METHODS.contains(methodOrDefault())) {
            errors.add(new FieldError("method", "must be one of " + new java.util.TreeSet<>(METHODS)));
        }
        PathTemplate template = null;
        try {
            template = PathTemplate.parse(path);
            String withSlash = template.text() + "/";
            for (String reserved : RESERVED_PREFIXES) {
                if (withSlash.startsWith(reserved) || (reserved.endsWith("/") && withSlash.equals(reserved))) {
                    errors.add(new FieldError("path", "is reserved: paths under " + reserved
                            + " belong to the gateway"));
                    template = null;
                    break;
                }
            }
            if (template != null && template.text().equals("/")) {
                errors.add(new FieldError("path", "cannot be / alone"));
                template = null;
            }
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("path", path == null ? "is required" : e.getMessage()));
        }
        if (eventName == null || !EVENT_NAME.matcher(eventName).matches()) {
            errors.add(new FieldError("eventName", "is required: 1-200 letters, digits, '.', '_', ':', '/' or '-'"));
        }
        if (description != null && description.length() > 2000) {
            errors.add(new FieldError("description", "must be at most 2000 characters"));
        }
        if (syncTimeoutSeconds != null && (syncTimeoutSeconds < 1 || syncTimeoutSeconds > MAX_SYNC_TIMEOUT_SECONDS)) {
            errors.add(new FieldError("syncTimeoutSeconds", "must be between 1 and " + MAX_SYNC_TIMEOUT_SECONDS));
        }
        if (focus != null && focus.length() > 500) {
            errors.add(new FieldError("focus", "must be at most 500 characters"));
        }
        if (rateLimit != null) {
            rateLimit.check("rateLimit", errors);
        }
        if (dropFields != null) {
            if (dropFields.size() > 100) {
                errors.add(new FieldError("dropFields", "may list at most 100 fields"));
            }
            for (String f : dropFields) {
                if (f == null || f.isEmpty() || f.length() > 200) {
                    errors.add(new FieldError("dropFields", "entries must be 1-200 characters"));
                    break;
                }
            }
        }
        JsonSchema schema = null;
        if (requestSchema != null && !requestSchema.isNull()) {
            schema = schema(requestSchema, errors);
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new ApiTrigger(id, tenantId, nameOrDefault(), methodOrDefault(), template, eventName,
                responseMode == null ? ResponseMode.ASYNC : responseMode,
                syncTimeoutSeconds == null ? DEFAULT_SYNC_TIMEOUT_SECONDS : syncTimeoutSeconds, focus,
                authRequired == null || authRequired, schema, rateLimit,
                dropFields == null ? Set.of() : Set.copyOf(dropFields), options, isEnabled(), version, managedBy,
                workflowId);
    }

    private static JsonSchema schema(JsonNode node, List<FieldError> errors) {
        try {
            // Tenant-supplied: compiled without fetching (only references inside the schema), with linear-time
            // patterns and bounded size; see SafeSchemas.
            return SafeSchemas.compile(node);
        } catch (SchemaRefusedException e) {
            errors.add(new FieldError("requestSchema", e.getMessage()));
            return null;
        }
    }
}
