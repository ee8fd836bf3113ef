package io.agenttriggers.governance.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.governance.domain.CompiledPolicy;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.agenttriggers.governance.persistence.DecisionLog.DecisionRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tenant-scoped caller never learns a global policy's id, name, version or detail; its own stay visible. */
class PolicyRedactionTest {

    static CompiledPolicy policy(String id, String name, String tenant, int version) {
        PolicySpec spec = new PolicySpec(name, tenant, null, 0, true, null, "allow", null, null, null, null, null,
                null, null);
        return new CompiledPolicy(new Policy(id, version, "api", spec, null, null));
    }

    static final List<CompiledPolicy> POLICIES = List.of(policy("g-id", "guard", null, 2),
            policy("own-id", "own", "acme", 1), policy("twin-id", "guard", "acme", 2),
            policy("beta-id", "theirs", "beta", 1));

    static DecisionRecord decided(String policyId, String policyName, int version, String detail) {
        return new DecisionRecord("run", "acme", "e", "api", "/api/x", null, "rejected", "rate_limited", policyId,
                policyName, version, detail, null, 5, false, null, null);
    }

    @Test
    void aGlobalPolicysDecisionIsAnonymousToAScopedCaller() {
        DecisionRecord d = PolicyRedaction.of(true, POLICIES).apply(decided("g-id", "guard", 2,
                "policy guard allows 3 per PT1M per tenant"));
        assertThat(d.policyId()).isNull();
        assertThat(d.policyName()).isEqualTo(PolicyRedaction.GLOBAL);
        assertThat(d.policyVersion()).isZero();
        assertThat(d.detail()).isEqualTo(PolicyRedaction.GLOBAL_DETAIL);
        assertThat(d.reason()).isEqualTo("rate_limited");
    }

    @Test
    void aPolicyNoLongerInTheSetCountsAsGlobal() {
        assertThat(PolicyRedaction.of(true, POLICIES).apply(decided("gone-id", "gone", 4, "policy gone denies"))
                .policyName()).isEqualTo(PolicyRedaction.GLOBAL);
    }

    @Test
    void theTenantsOwnPolicyAndTheDefaultAreShownWithGlobalNamesTakenOutOfTheirDetail() {
        PolicyRedaction r = PolicyRedaction.of(true, POLICIES);
        DecisionRecord own = r.apply(decided("own-id", "own", 1, "matched own@1, guard@2, theirs@1"));
        assertThat(own.policyId()).isEqualTo("own-id");
        assertThat(own.policyName()).isEqualTo("own");
        assertThat(own.policyVersion()).isEqualTo(1);
        assertThat(own.detail()).isEqualTo("matched own@1, (global), (global)");
        assertThat(r.detail("acme", "own-id", "Redis is unreachable; limits of fail-open policies skipped: own, guard"))
                .isEqualTo("Redis is unreachable; limits of fail-open policies skipped: own, (global)");
        assertThat(r.apply(decided("default", "default", 0, "no policy matches")))
                .isEqualTo(decided("default", "default", 0, "no policy matches"));
    }

    @Test
    void listEntriesOfGlobalPoliciesAreReplaced() {
        PolicyRedaction r = PolicyRedaction.of(true, POLICIES);
        assertThat(r.entries("acme", List.of("own@1", "guard@2", "guard: no such key 'x'", "own: no such key 'y'")))
                .containsExactly("own@1", PolicyRedaction.GLOBAL, PolicyRedaction.GLOBAL, "own: no such key 'y'");
    }

    @Test
    void aCallerWhoSeesEveryTenantSeesEverything() {
        PolicyRedaction r = PolicyRedaction.of(false, POLICIES);
        DecisionRecord d = decided("g-id", "guard", 2, "policy guard denies the event");
        assertThat(r.apply(d)).isEqualTo(d);
        assertThat(r.entries("acme", List.of("guard@2"))).containsExactly("guard@2");
    }
}
