package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.OffsetDateTime;

/**
 * A channel as the API shows it. {@code secret} (a webhook's signing secret) is present only in the answer that
 * created it or rotated it; a Slack channel's URL is never shown again, only that it is set.
 */
@JsonPropertyOrder({ "id", "version" })
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertChannelView(String id, int version, @JsonUnwrapped AlertChannelSpec channel, String secret,
        Boolean urlSet, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    static AlertChannelView of(AlertChannelRow row, AlertChannelSpec spec, String shownSecret) {
        return new AlertChannelView(row.getId().toString(), row.getVersion(), spec, shownSecret,
                AlertChannelSpec.SLACK.equals(spec.type()) ? row.getSecret() != null : null, row.getCreatedAt(),
                row.getUpdatedAt());
    }
}
