package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.OffsetDateTime;

/** An alert rule as the API shows it: its fields (defaults filled in) next to its identity and version. */
@JsonPropertyOrder({ "id", "version" })
public record AlertRuleView(String id, int version, @JsonUnwrapped AlertRuleSpec rule, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    static AlertRuleView of(AlertRuleRow row, AlertRuleSpec spec) {
        return new AlertRuleView(row.getId().toString(), row.getVersion(), spec, row.getCreatedAt(),
                row.getUpdatedAt());
    }
}
