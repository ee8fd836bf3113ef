package io.agenttriggers.api.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.schema.SafeSchemas;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * An API trigger ready to serve: a method and path template that turn a request into a trigger event.
 *
 * @param id        UUID of a registered trigger, or the key of one declared in configuration
 * @param managedBy  {@code api}, {@code file}, {@code config} or {@code deployment}
 * @param workflowId the deployed workflow holding it (its events carry it), or null
 */
public record ApiTrigger(String id, String tenantId, String name, String method, PathTemplate template,
        String eventName, ResponseMode responseMode, int syncTimeoutSeconds, String focus, boolean authRequired,
        JsonSchema requestSchema, RateLimitSpec rateLimit, Set<String> dropFields, DispatchOptions options,
        boolean enabled, int version, String managedBy, String workflowId) {

    /** The CloudEvent source of its events. */
    public String source() {
        return "/api/" + id;
    }

    public String path() {
        return template.text();
    }

    public Duration syncTimeout() {
        return Duration.ofSeconds(syncTimeoutSeconds);
    }

    /** The schema's complaints about a body (empty when it passes or there is no schema); at most 50. */
    public List<FieldError> validate(JsonNode body) {
        if (requestSchema == null) {
            return List.of();
        }
        return SafeSchemas.validate(requestSchema, body, 50);
    }
}
