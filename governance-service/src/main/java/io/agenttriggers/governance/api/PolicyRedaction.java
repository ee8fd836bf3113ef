package io.agenttriggers.governance.api;

import io.agenttriggers.governance.domain.CompiledPolicy;
import io.agenttriggers.governance.domain.Verdict;
import io.agenttriggers.governance.persistence.DecisionLog.DecisionRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a tenant-scoped token sees of governance decisions. Global policies are the operator's: to such a token they
 * appear as {@value #GLOBAL}, without id or version, and a decision one of them gave carries {@value #GLOBAL_DETAIL}.
 * Whether a policy is global is read from the current set; one it no longer holds (deleted) counts as global, since
 * what cannot be told apart stays hidden. Names are unique only per tenant, so an entry whose name and version a
 * global policy shares is hidden too.
 */
public final class PolicyRedaction {

    public static final String GLOBAL = "(global)";
    public static final String GLOBAL_DETAIL = "decided by a global policy";

    /** The engine's details that list policies ({@code PolicyEngine}): approvals and fail-open skips. */
    private static final String MATCHED = "matched ";
    private static final String SKIPPED = "skipped: ";

    private static final PolicyRedaction NONE = new PolicyRedaction(false, Set.of(), Set.of(), Set.of());

    private final boolean redacts;
    /** Ids of tenants' own policies. */
    private final Set<String> ownIds;
    /** {@code tenant/name} and {@code tenant/name@version} of tenants' own policies. */
    private final Set<String> ownEntries;
    /** {@code name} and {@code name@version} of global policies. */
    private final Set<String> globalEntries;

    private PolicyRedaction(boolean redacts, Set<String> ownIds, Set<String> ownEntries, Set<String> globalEntries) {
        this.redacts = redacts;
        this.ownIds = ownIds;
        this.ownEntries = ownEntries;
        this.globalEntries = globalEntries;
    }

    /** The redaction for a caller: {@code scoped} when {@code TenantScope.restriction} is present. */
    public static PolicyRedaction of(boolean scoped, List<CompiledPolicy> policies) {
        if (!scoped) {
            return NONE;
        }
        Set<String> ownIds = new HashSet<>();
        Set<String> own = new HashSet<>();
        Set<String> global = new HashSet<>();
        for (CompiledPolicy p : policies) {
            String tenant = p.spec().tenantId();
            if (tenant == null) {
                global.add(p.name());
                global.add(p.name() + "@" + p.version());
            } else {
                ownIds.add(p.id());
                own.add(tenant + "/" + p.name());
                own.add(tenant + "/" + p.name() + "@" + p.version());
            }
        }
        return new PolicyRedaction(true, ownIds, own, global);
    }

    public boolean redacts() {
        return redacts;
    }

    /** Whether the deciding policy of a decision may be shown: the built-in default or a tenant's own. */
    boolean showsPolicy(String policyId) {
        return !redacts || Verdict.DEFAULT_POLICY.equals(policyId) || ownIds.contains(policyId);
    }

    /**
     * A list entry ({@code name@version}, {@code name: condition error}, or a bare name) of a decision of the
     * tenant, with a global policy's name replaced.
     */
    String entry(String tenantId, String entry) {
        if (!redacts) {
            return entry;
        }
        int colon = entry.indexOf(": ");
        String key = colon < 0 ? entry : entry.substring(0, colon);
        boolean own = ownEntries.contains(tenantId + "/" + key) && !globalEntries.contains(key);
        return own ? entry : GLOBAL;
    }

    List<String> entries(String tenantId, List<String> entries) {
        if (!redacts || entries == null) {
            return entries;
        }
        return entries.stream().map(e -> entry(tenantId, e)).toList();
    }

    /** A detail: generic when a global policy decided, with listed global names replaced otherwise. */
    String detail(String tenantId, String policyId, String detail) {
        if (!redacts || detail == null) {
            return detail;
        }
        if (!showsPolicy(policyId)) {
            return GLOBAL_DETAIL;
        }
        if (detail.startsWith(MATCHED)) {
            return MATCHED + list(tenantId, detail.substring(MATCHED.length()));
        }
        int skipped = detail.indexOf(SKIPPED);
        if (skipped >= 0) {
            int from = skipped + SKIPPED.length();
            return detail.substring(0, from) + list(tenantId, detail.substring(from));
        }
        return detail;
    }

    /** Policy names cannot hold ", " (see {@code PolicySpec}), so the engine's lists split cleanly. */
    private String list(String tenantId, String joined) {
        List<String> out = new ArrayList<>();
        for (String e : joined.split(", ", -1)) {
            out.add(entry(tenantId, e));
        }
        return String.join(", ", out);
    }

    /** A logged decision as the caller may see it. */
    public DecisionRecord apply(DecisionRecord d) {
        if (!redacts) {
            return d;
        }
        boolean shown = showsPolicy(d.policyId());
        return new DecisionRecord(d.runId(), d.tenantId(), d.eventName(), d.triggerType(), d.source(), d.workflowId(), d.verdict(),
                d.reason(), shown ? d.policyId() : null, shown ? d.policyName() : GLOBAL,
                shown ? d.policyVersion() : 0, detail(d.tenantId(), d.policyId(), d.detail()), d.retryAfter(),
                d.latencyMicros(), d.degraded(), d.eventTime(), d.decidedAt());
    }
}
