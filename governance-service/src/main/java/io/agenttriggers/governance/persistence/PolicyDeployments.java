package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The governance part of workflow deployments: the document's {@code governance} block as one policy of the
 * workflow's tenant, named {@code workflow-{workflowId}} and matching only the workflow's events (CEL
 * {@code event.workflowId}). Its limits are whatever the block sets; their keys default to {@code policy}, so a
 * limit is the workflow's as a whole.
 */
@ApplicationScoped
public class PolicyDeployments extends DeploymentPart<PolicySpec, Policy> {

    /** The part's one entry, by the name deployments recognise it under. */
    public static final String NAME = "governance";
    private static final String PREFIX = "workflow-";

    @Inject
    PolicyStore store;

    /** The policy name a workflow's governance block gets. */
    public static String policyName(String workflowId) {
        return PREFIX + workflowId;
    }

    /** The workflow a deployment's policy belongs to (by its name). */
    public static String workflowOf(String policyName) {
        return policyName != null && policyName.startsWith(PREFIX) ? policyName.substring(PREFIX.length()) : null;
    }

    /** The block as the workflow's policy: its name, tenant and match are the deployment's. */
    public static PolicySpec owned(PolicySpec spec, String tenantId, String workflowId) {
        // Workflow ids are letters, digits, '.', '_' and '-': safe inside a CEL string literal.
        PolicySpec.Match match = new PolicySpec.Match(null, null, null, null,
                "event.workflowId == '" + workflowId + "'");
        return new PolicySpec(policyName(workflowId), tenantId, "The governance block of workflow " + workflowId,
                spec.priority(), spec.enabled(), match, spec.action(),
                spec.rateLimit() == null ? null : new PolicySpec.RateLimit(spec.rateLimit().limit(),
                        spec.rateLimit().period(), spec.rateLimit().burst(), keyOr(spec.rateLimit().key())),
                spec.quota() == null ? null : new PolicySpec.Quota(spec.quota().maxRunsPerDay(),
                        spec.quota().timezone(), keyOr(spec.quota().key())),
                spec.budget() == null ? null : new PolicySpec.Budget(spec.budget().maxCostPerDayUsd(),
                        spec.budget().timezone(), keyOr(spec.budget().key())),
                spec.cooldown(),
                spec.concurrency() == null ? null : new PolicySpec.Concurrency(spec.concurrency().max(),
                        keyOr(spec.concurrency().key())),
                spec.circuitBreaker() == null ? null : new PolicySpec.CircuitBreaker(spec.circuitBreaker().window(),
                        spec.circuitBreaker().minimumRuns(), spec.circuitBreaker().failureRatio(),
                        spec.circuitBreaker().openFor(), spec.circuitBreaker().halfOpenProbes(),
                        keyOr(spec.circuitBreaker().key())),
                spec.onUnavailable()).normalized();
    }

    private static String keyOr(String key) {
        return key == null ? "policy" : key;
    }

    /** Every problem of the part ({@code triggers[0].field}): at most one policy, valid. */
    public List<FieldError> check(List<PolicySpec> specs) {
        List<FieldError> errors = new ArrayList<>();
        if (specs.size() > 1) {
            errors.add(new FieldError("triggers", "a workflow has one governance block"));
            return errors;
        }
        for (int i = 0; i < specs.size(); i++) {
            for (FieldError e : specs.get(i).problems()) {
                errors.add(new FieldError("triggers[" + i + "]." + e.field(), e.message()));
            }
        }
        return errors;
    }

    @Override
    protected Uni<List<Policy>> owned(String tenantId, String workflowId) {
        return store.findByName(tenantId, policyName(workflowId))
                .map(found -> found.filter(p -> Ownership.DEPLOYMENT.equals(p.managedBy())).map(List::of)
                        .orElse(List.of()));
    }

    @Override
    protected String name(PolicySpec spec) {
        return NAME;
    }

    @Override
    protected String storedName(Policy p) {
        return NAME;
    }

    @Override
    protected String id(Policy p) {
        return p.id();
    }

    @Override
    protected boolean same(PolicySpec spec, Policy p) {
        return EventJson.write(spec).equals(EventJson.write(p.spec()));
    }

    @Override
    protected Uni<Policy> create(PolicySpec spec) {
        return store.create(spec, Ownership.DEPLOYMENT).onFailure(NameTaken.class)
                .transform(e -> new io.agenttriggers.common.problem.ProblemException(409, "name_taken", "Conflict",
                        "Tenant " + spec.tenantId() + " already has a policy named " + spec.name()
                                + "; rename it to deploy this workflow's governance block"));
    }

    @Override
    protected Uni<Policy> update(Policy existing, PolicySpec spec) {
        return store.update(existing.id(), spec, null, "deployed");
    }

    @Override
    protected Uni<Void> delete(Policy p) {
        return store.delete(p.id()).replaceWithVoid();
    }

    @Override
    protected Map<String, Object> observed(Policy p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policy", p.spec().name());
        out.put("policyVersion", p.version());
        out.put("enabled", p.spec().isEnabled());
        return out;
    }
}
