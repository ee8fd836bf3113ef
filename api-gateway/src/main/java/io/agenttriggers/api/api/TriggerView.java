package io.agenttriggers.api.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.persistence.TriggerStore;
import java.time.OffsetDateTime;

/** An API trigger as the management API shows it: its registration plus id, version and provenance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerView(String id, @JsonUnwrapped ApiTriggerSpec spec, int version, String managedBy,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    static TriggerView of(TriggerStore.Stored s) {
        return new TriggerView(s.id(), s.spec(), s.version(), s.managedBy(), s.createdAt(), s.updatedAt());
    }
}
