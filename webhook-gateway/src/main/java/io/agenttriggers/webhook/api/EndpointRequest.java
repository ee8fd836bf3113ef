package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.webhook.domain.AuthSpec;
import io.agenttriggers.webhook.domain.DedupSpec;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.agenttriggers.webhook.domain.GithubFilter;
import io.agenttriggers.webhook.domain.TransformSpec;

/**
 * The body of {@code POST /api/v1/endpoints}: the endpoint and, optionally, its secret (bearer token, basic password
 * or signing secret). Without one, a secret is generated; either way it is shown once, in the answer.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record EndpointRequest(String name, String tenantId, String eventName, AuthSpec auth, ResponseMode responseMode,
        Integer syncTimeoutSeconds, String focus, String filter, GithubFilter github, TransformSpec transform,
        DedupSpec dedup,
        RateLimitSpec rateLimit, RateLimitSpec sourceIpRateLimit, Boolean enabled, String secret) {

    public EndpointSpec spec() {
        return new EndpointSpec(name, tenantId, eventName, auth, responseMode, syncTimeoutSeconds, focus, filter,
                github, transform, dedup, rateLimit, sourceIpRateLimit, enabled, null).normalized();
    }
}
