package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * A part of workflow deployments the api-gateway holds itself (manual and API triggers), called in process: the
 * document's triggers read as the part's own specs (unknown fields refused), owned by the deployment, checked whole,
 * then applied; problems answer as a service's 422 would.
 *
 * @param <S> the spec of a trigger, as the part's REST API takes it
 * @param <E> a stored trigger
 */
abstract class LocalPart<S, E> extends DeploymentPart<S, E> implements PartClient.Part {

    /** The part's name ({@code manual}), in answers. */
    protected abstract String part();

    protected abstract Class<S> type();

    protected abstract S ownedBy(S spec, String tenantId, String workflowId);

    /** A trigger's own problems, fields relative to it. */
    protected abstract List<FieldError> check(S spec);

    @Override
    public Uni<PartClient.Answer> put(String tenantId, String workflowId, int version,
            List<WorkflowDocument.PartTrigger> sent, boolean dryRun) {
        List<FieldError> errors = new ArrayList<>();
        List<S> specs = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                S spec = EventJson.MAPPER.readerFor(type()).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(sent.get(i).spec());
                specs.add(ownedBy(spec, tenantId, workflowId));
            } catch (java.io.IOException e) {
                errors.add(new FieldError("triggers[" + i + "]", "is not a " + part() + " trigger: "
                        + e.getMessage().split("\n")[0].replaceAll(" \\(class [^)]*\\)", "")));
            }
        }
        for (int i = 0; i < specs.size() && errors.isEmpty(); i++) {
            for (FieldError e : check(specs.get(i))) {
                errors.add(new FieldError("triggers[" + i + "]." + e.field(), e.message()));
            }
        }
        if (errors.isEmpty()) {
            errors.addAll(names(specs, this::name));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(PartClient.of(part(), new ProblemException(422, "invalid_deployment_part",
                    "Invalid " + part() + " triggers", errors.size() + " invalid field(s)", errors), sent));
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

    private Uni<PartClient.Answer> answer(Uni<PartResult> work, List<WorkflowDocument.PartTrigger> sent) {
        return work.<PartClient.Answer>map(PartClient.Applied::new)
                .onFailure(ProblemException.class).recoverWithItem(e -> PartClient.of(part(), (ProblemException) e,
                        sent))
                .onFailure().recoverWithItem(e -> new PartClient.Unreachable(part() + " triggers could not be "
                        + "stored: " + e.getClass().getSimpleName()));
    }
}
