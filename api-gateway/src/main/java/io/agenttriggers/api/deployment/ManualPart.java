package io.agenttriggers.api.deployment;

import io.agenttriggers.api.domain.ManualTriggerSpec;
import io.agenttriggers.api.persistence.ManualTriggerStore;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manual part of workflow deployments, in the api-gateway itself: the manual triggers one workflow holds. A
 * deployed manual trigger is fired with {@code POST /api/v1/triggers/workflows/{workflowId}/manual} (or by its event
 * name, as any manual trigger).
 */
@ApplicationScoped
public class ManualPart extends LocalPart<ManualTriggerSpec, ManualTriggerStore.Stored> {

    @Inject
    ManualTriggerStore store;

    @Inject
    OutboundUrlPolicy urls;

    @Override
    protected String part() {
        return "manual";
    }

    @Override
    protected Class<ManualTriggerSpec> type() {
        return ManualTriggerSpec.class;
    }

    @Override
    protected ManualTriggerSpec ownedBy(ManualTriggerSpec spec, String tenantId, String workflowId) {
        return spec.ownedBy(tenantId, workflowId);
    }

    @Override
    protected List<FieldError> check(ManualTriggerSpec spec) {
        return spec.check(urls);
    }

    @Override
    protected Uni<List<ManualTriggerStore.Stored>> owned(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId);
    }

    @Override
    protected String name(ManualTriggerSpec spec) {
        return spec.name();
    }

    @Override
    protected String storedName(ManualTriggerStore.Stored s) {
        return s.spec().name();
    }

    @Override
    protected String id(ManualTriggerStore.Stored s) {
        return s.id();
    }

    @Override
    protected boolean same(ManualTriggerSpec spec, ManualTriggerStore.Stored s) {
        return EventJson.write(spec).equals(EventJson.write(s.spec()));
    }

    @Override
    protected Uni<ManualTriggerStore.Stored> create(ManualTriggerSpec spec) {
        return store.create(spec, Ownership.DEPLOYMENT).map(created -> created.orElseThrow(() ->
                new ProblemException(409, "event_name_taken", "Conflict", "Manual trigger " + spec.name() + ": tenant "
                        + spec.tenantId() + " already has a manual trigger for " + spec.eventName())));
    }

    @Override
    protected Uni<ManualTriggerStore.Stored> update(ManualTriggerStore.Stored existing, ManualTriggerSpec spec) {
        if (!existing.spec().eventName().equals(spec.eventName())) {
            // A manual trigger's event name never changes: the new one replaces it.
            return store.delete(existing.id()).chain(() -> create(spec));
        }
        return store.update(existing.id(), spec).map(updated -> updated.orElse(existing));
    }

    @Override
    protected Uni<Void> delete(ManualTriggerStore.Stored s) {
        return store.delete(s.id()).replaceWithVoid();
    }

    @Override
    protected Map<String, Object> observed(ManualTriggerStore.Stored s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", s.spec().isEnabled() ? "active" : "disabled");
        out.put("eventName", s.spec().eventName());
        out.put("requireConfirmation", s.spec().confirms());
        out.put("roles", s.spec().rolesOrDefault());
        return out;
    }
}
