package io.agenttriggers.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why governance rejected an event; the first rejecting policy names it. {@code policy_error}: a fail-closed policy's
 * condition hit the expression sandbox's limits on the event, so governance could not tell whether it applies.
 */
public enum RejectionReason {
    DENIED, RATE_LIMITED, CONCURRENCY_LIMITED, COOLDOWN, QUOTA_EXHAUSTED, BUDGET_EXHAUSTED, CIRCUIT_OPEN,
    GOVERNANCE_UNAVAILABLE, POLICY_ERROR;

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
