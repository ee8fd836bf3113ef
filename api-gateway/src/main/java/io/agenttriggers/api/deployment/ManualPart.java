package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.agenttriggers.api.domain.ManualTriggerSpec;
import io.agenttriggers.api.persistence.ManualTriggerStore;
import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
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
 * The manual part of workflow deployments, in the api-gateway itself: the manual triggers one workflow holds. A
 * deployed manual trigger is fired with {@code POST /api/v1/triggers/workflows/{workflowId}/manual} (or by its event
 * name, as any manual trigger).
 */
@ApplicationScoped
public class ManualPart extends DeploymentPart<ManualTriggerSpec, ManualTriggerStore.Stored>
        implements PartClient.Part {

    @Inject
    ManualTriggerStore store;

    @Inject
    OutboundUrlPolicy urls;

    @Override
    public Uni<PartClient.Answer> put(String tenantId, String workflowId, int version,
            List<WorkflowDocument.PartTrigger> sent, boolean dryRun) {
        List<FieldError> errors = new ArrayList<>();
        List<ManualTriggerSpec> specs = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                ManualTriggerSpec spec = EventJson.MAPPER.readerFor(ManualTriggerSpec.class)
                        .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(sent.get(i).spec());
                specs.add(spec.ownedBy(tenantId, workflowId));
            } catch (java.io.IOException e) {
                errors.add(new FieldError("triggers[" + i + "]", "is not a manual trigger: "
                        + e.getMessage().split("\n")[0].replaceAll(" \\(class [^)]*\\)", "")));
            }
        }
        for (int i = 0; i < specs.size() && errors.isEmpty(); i++) {
            for (FieldError e : specs.get(i).check(urls)) {
                errors.add(new FieldError("triggers[" + i + "]." + e.field(), e.message()));
            }
        }
        if (errors.isEmpty()) {
            errors.addAll(names(specs, ManualTriggerSpec::name));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PartClient.of("manual", new ProblemException(422,
                    "invalid_deployment_part", "Invalid manual triggers", errors.size() + " invalid field(s)",
                    errors), sent));
        }
        return answer(apply(tenantId, workflowId, version, specs, !dryRun), sent);
    }

    @Override
    public Uni<PartClient.Answer> get(String tenantId, String workflowId) {
        return answer(observed(tenantId, workflowId), List.of());
    }

    @Override
    public Uni<PartClient.Answer> delete(String tenantId, String workflowId) {
        return answer(remove(tenantId, workflowId), List.of());
    }

    private static Uni<PartClient.Answer> answer(Uni<io.agenttriggers.common.declarative.PartResult> work,
            List<WorkflowDocument.PartTrigger> sent) {
        return work.<PartClient.Answer>map(PartClient.Applied::new)
                .onFailure(ProblemException.class).recoverWithItem(e -> PartClient.of("manual",
                        (ProblemException) e, sent))
                .onFailure().recoverWithItem(e -> new PartClient.Unreachable("manual triggers could not be stored: "
                        + e.getClass().getSimpleName()));
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
