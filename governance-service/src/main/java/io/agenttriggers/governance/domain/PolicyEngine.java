package io.agenttriggers.governance.domain;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RejectionReason;
import io.agenttriggers.governance.config.GovernanceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decides whether an event may run. For now only the built-in default policy exists (allow all, or deny all
 * when configured so); stored policies with limits, quotas and breakers build on this entry point.
 */
@ApplicationScoped
public class PolicyEngine {

    public static final String DEFAULT_POLICY = "default";

    @Inject
    GovernanceConfig config;

    public Verdict decide(TriggerEvent event) {
        if ("deny".equalsIgnoreCase(config.defaultAction())) {
            return Verdict.reject(RejectionReason.DENIED, DEFAULT_POLICY, "the default policy denies every event");
        }
        return Verdict.approve(DEFAULT_POLICY);
    }
}
