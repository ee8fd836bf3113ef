package io.agenttriggers.api.deployment;

import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.persistence.RouteRegistry;
import io.agenttriggers.api.persistence.TriggerStore;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API part of workflow deployments, in the api-gateway itself: the API triggers one workflow holds. Their routes
 * claim paths as registered triggers do (a path another tenant's route could match refuses the version), and every
 * replica's route table takes them within its refresh interval.
 */
@ApplicationScoped
public class ApiPart extends LocalPart<ApiTriggerSpec, TriggerStore.Stored> {

    /** Most API triggers one workflow may hold. */
    static final int MAX_TRIGGERS = 20;

    @Inject
    TriggerStore store;

    @Inject
    RouteRegistry routes;

    @Inject
    OutboundUrlPolicy urls;

    @Override
    protected String part() {
        return "api";
    }

    @Override
    protected Class<ApiTriggerSpec> type() {
        return ApiTriggerSpec.class;
    }

    @Override
    protected ApiTriggerSpec ownedBy(ApiTriggerSpec spec, String tenantId, String workflowId) {
        return spec.ownedBy(tenantId, workflowId);
    }

    @Override
    protected List<FieldError> check(ApiTriggerSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        spec.compile("check", 1, Ownership.DEPLOYMENT, urls, errors);
        return errors;
    }

    @Override
    public Uni<PartResult> apply(String tenantId, String workflowId, Integer version, List<ApiTriggerSpec> specs,
            boolean apply) {
        if (specs.size() > MAX_TRIGGERS) {
            return Uni.createFrom().failure(new ProblemException(422, "invalid_deployment_part", "Invalid api triggers", "Too many API "
                    + "triggers", List.of(new FieldError("triggers", "at most " + MAX_TRIGGERS + " API triggers per "
                            + "workflow"))));
        }
        return super.apply(tenantId, workflowId, version, specs, apply)
                .call(r -> apply ? routes.refresh() : Uni.createFrom().voidItem());
    }

    @Override
    public Uni<PartResult> remove(String tenantId, String workflowId) {
        return super.remove(tenantId, workflowId).call(r -> routes.refresh());
    }

    @Override
    protected Uni<List<TriggerStore.Stored>> owned(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId);
    }

    @Override
    protected String name(ApiTriggerSpec spec) {
        return spec.name();
    }

    @Override
    protected String storedName(TriggerStore.Stored s) {
        return s.spec().name();
    }

    @Override
    protected String id(TriggerStore.Stored s) {
        return s.id();
    }

    @Override
    protected boolean same(ApiTriggerSpec spec, TriggerStore.Stored s) {
        return EventJson.write(spec).equals(EventJson.write(s.spec()));
    }

    @Override
    protected Uni<TriggerStore.Stored> create(ApiTriggerSpec spec) {
        return store.create(spec, Ownership.DEPLOYMENT, routes.staticConflicts(spec.tenantId()))
                .onFailure().transform(e -> conflict(e, spec));
    }

    @Override
    protected Uni<TriggerStore.Stored> update(TriggerStore.Stored existing, ApiTriggerSpec spec) {
        return store.update(existing.id(), spec, null, routes.staticConflicts(spec.tenantId()))
                .onFailure().transform(e -> conflict(e, spec));
    }

    @Override
    protected Uni<Void> delete(TriggerStore.Stored s) {
        return store.delete(s.id()).replaceWithVoid();
    }

    @Override
    protected Map<String, Object> observed(TriggerStore.Stored s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", s.spec().isEnabled() ? "active" : "disabled");
        out.put("method", s.spec().methodOrDefault());
        out.put("path", s.spec().path());
        out.put("eventName", s.spec().eventName());
        out.put("triggerVersion", s.version());
        return out;
    }

    /** A claimed path refuses the version; another tenant's route stays anonymous. */
    private static Throwable conflict(Throwable e, ApiTriggerSpec spec) {
        if (e instanceof TriggerStore.RouteTaken taken) {
            return new ProblemException(409, "route_taken", "Conflict", "API trigger " + spec.name() + ": "
                    + (taken.sameTenant ? "another API trigger of the tenant already serves "
                            : "another route already serves requests that ") + spec.methodOrDefault() + " "
                    + spec.path() + (taken.sameTenant ? "" : " would match"));
        }
        return e;
    }
}
