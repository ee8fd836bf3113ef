package io.agenttriggers.governance.domain;

import io.agenttriggers.common.run.RejectionReason;

/** What governance decided for one event, and which policy decided it. */
public record Verdict(boolean approved, RejectionReason reason, String policy, String detail) {

    public static Verdict approve(String policy) {
        return new Verdict(true, null, policy, null);
    }

    public static Verdict reject(RejectionReason reason, String policy, String detail) {
        return new Verdict(false, reason, policy, detail);
    }
}
