package io.agenttriggers.governance.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import java.time.OffsetDateTime;

/** A policy as the API shows it: its fields (defaults filled in) next to its identity and version. */
@JsonPropertyOrder({ "id", "version", "managedBy" })
public record PolicyView(String id, int version, String managedBy, @JsonUnwrapped PolicySpec policy,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public static PolicyView of(Policy p) {
        return new PolicyView(p.id(), p.version(), p.managedBy(), p.spec().normalized(), p.createdAt(),
                p.updatedAt());
    }
}
