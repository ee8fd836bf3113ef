package io.agenttriggers.webhook.api;

import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.security.SecretBox;
import io.agenttriggers.webhook.domain.AuthSpec;
import io.agenttriggers.webhook.domain.DedupSpec;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.GithubFilter;
import io.agenttriggers.webhook.domain.TransformSpec;
import java.time.OffsetDateTime;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An endpoint as the management API shows it. {@code secret} is present only in the answer that created or rotated
 * it; otherwise only {@code secretHint} (the last four characters). A {@code github-app} endpoint's {@code url} is the
 * App's one URL, where its deliveries come in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointView(String id, String url, String name, String tenantId, String eventName, AuthSpec auth,
        String secret, String secretHint, ResponseMode responseMode, Integer syncTimeoutSeconds, String focus,
        String filter, GithubFilter github, TransformSpec transform, DedupSpec dedup, RateLimitSpec rateLimit,
        RateLimitSpec sourceIpRateLimit, boolean enabled, int version, String managedBy, String workflowId,
        OffsetDateTime previousSecretExpiresAt,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public static EndpointView of(Endpoint e, String baseUrl, String shownSecret) {
        var s = e.spec();
        String current = e.secrets().isEmpty() ? null : e.secrets().get(0);
        String url = s.auth().type() == io.agenttriggers.webhook.domain.AuthType.GITHUB_APP
                ? baseUrl + GithubAppRoute.PATH : baseUrl + "/webhooks/" + e.id();
        return new EndpointView(e.id(), url, s.name(), s.tenantId(), s.eventName(),
                s.auth(), shownSecret, current == null ? null : SecretBox.hint(current), s.responseMode(),
                s.syncTimeoutSeconds(), s.focus(), s.filter(), s.github(), s.transform(), s.dedup(), s.rateLimit(),
                s.sourceIpRateLimit(), s.isEnabled(), e.version(), e.managedBy(), s.workflowId(),
                e.previousSecretExpiresAt(), e.createdAt(), e.updatedAt());
    }
}
