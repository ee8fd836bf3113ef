package io.agenttriggers.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Why governance rejected an event; the first rejecting policy names it. */
public enum RejectionReason {
    DENIED, RATE_LIMITED, CONCURRENCY_LIMITED, COOLDOWN, QUOTA_EXHAUSTED, BUDGET_EXHAUSTED, CIRCUIT_OPEN,
    GOVERNANCE_UNAVAILABLE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RejectionReason fromWire(String wire) {
        for (RejectionReason r : values()) {
            if (r.wire().equals(wire)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown rejection reason: " + wire);
    }
}
