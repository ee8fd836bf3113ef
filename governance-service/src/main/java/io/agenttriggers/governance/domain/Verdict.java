package io.agenttriggers.governance.domain;

import io.agenttriggers.common.run.RejectionReason;
import java.time.Duration;

/**
 * What governance decided for one event, and which policy decided it.
 *
 * @param approved      whether the event may run
 * @param reason        why not, when rejected
 * @param policyId      the rejecting policy, or the highest-priority matching one of an approval ({@code default}
 *                      when none matched)
 * @param policyName    its name
 * @param policyVersion its version at decision time (0 for the built-in default)
 * @param detail        for people: what matched, what was exceeded
 * @param retryAfter    for rejections that can clear, when to try again
 * @param degraded      whether a fail-open policy's limits were skipped because Redis was unreachable
 */
public record Verdict(boolean approved, RejectionReason reason, String policyId, String policyName, int policyVersion,
        String detail, Duration retryAfter, boolean degraded) {

    public static final String DEFAULT_POLICY = "default";

    public static Verdict approve(String policyId, String policyName, int policyVersion, String detail,
            boolean degraded) {
        return new Verdict(true, null, policyId, policyName, policyVersion, detail, null, degraded);
    }

    public static Verdict reject(RejectionReason reason, String policyId, String policyName, int policyVersion,
            String detail, Duration retryAfter) {
        return new Verdict(false, reason, policyId, policyName, policyVersion, detail, retryAfter, false);
    }

    public String verdict() {
        return approved ? "approved" : "rejected";
    }
}
