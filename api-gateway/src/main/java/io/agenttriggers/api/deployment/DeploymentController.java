package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.api.deployment.DeploymentStore.Deployment;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings a workflow's parts (one per service that owns some of its triggers) to the deployment's desired version.
 * All or nothing from the user's side: a part that refuses the version makes it refused, and every part goes back
 * to the version in force before (or to nothing); a part whose service is down stays pending and is tried again
 * ({@link DeploymentReconciler}) until it takes the version. A newer version always supersedes an older one in
 * flight: settling writes apply only while their version is still the desired one.
 */
@ApplicationScoped
public class DeploymentController {

    /** How soon a pending part is tried again. */
    static final Duration RETRY = Duration.ofSeconds(5);

    @Inject
    DeploymentStore store;

    @Inject
    PartClient parts;

    /** How a reconciliation ended. */
    public enum Result {
        /** Every part holds the desired version. */
        READY,
        /** Some part has not taken it yet (its service is down or another replica is at work). */
        PENDING,
        /** A part refused it; the parts are going back to the version in force. */
        REFUSED,
        /** The workflow is gone, every part emptied. */
        REMOVED
    }

    /**
     * The result and the deployment as it is now (null when removed); a refusal's errors; what the parts answered
     * when this call applied the version (their created triggers' one-time secrets included), else null.
     */
    public record Outcome(Result result, Deployment deployment, JsonNode failure,
            Map<String, PartClient.Answer> answers) {
        Outcome(Result result, Deployment deployment, JsonNode failure) {
            this(result, deployment, failure, null);
        }
    }

    /** Records the document as a new version and brings the parts to it, if no other replica holds the workflow. */
    public Uni<Outcome> deploy(WorkflowDocument document, Integer expected) {
        return store.propose(document.tenantId(), document.workflowId(), document.json(), expected)
                .chain(p -> p.leaseHeld() ? reconcile(p.deployment())
                        : Uni.createFrom().item(new Outcome(Result.PENDING, p.deployment(), null)));
    }

    /** What each part would do with the document; nothing changes. */
    public Uni<Map<String, PartClient.Answer>> plan(WorkflowDocument document, int version) {
        Map<String, PartClient.Answer> out = new LinkedHashMap<>();
        return Multi.createFrom().iterable(document.parts().entrySet())
                .onItem().transformToUniAndConcatenate(e -> parts.put(e.getKey(), document.tenantId(),
                        document.workflowId(), version, e.getValue(), true).invoke(a -> out.put(e.getKey(), a)))
                .collect().asList().map(ignored -> out);
    }

    /** Marks the workflow for removal and empties its parts now, if no other replica holds it. */
    public Uni<Outcome> undeploy(String tenantId, String workflowId) {
        return store.markDeleting(tenantId, workflowId).chain(marked -> marked.isEmpty()
                ? Uni.createFrom().item((Outcome) null)
                : store.lease(tenantId, workflowId).chain(leased -> leased.isPresent() ? reconcile(leased.get())
                        : Uni.createFrom().item(new Outcome(Result.PENDING, marked.get(), null))));
    }

    /** Brings a leased deployment's parts to its version (or empties them when it is being deleted). */
    public Uni<Outcome> reconcile(Deployment d) {
        if ("deleting".equals(d.state())) {
            return remove(d);
        }
        Uni<Map<String, List<WorkflowDocument.PartTrigger>>> desired = d.version() == 0
                ? Uni.createFrom().item(empty())
                : store.version(d.tenantId(), d.workflowId(), d.version())
                        .map(v -> WorkflowDocument.of(v.orElseThrow().document()).parts());
        return desired.chain(partsOf -> {
            Map<String, PartClient.Answer> answers = new LinkedHashMap<>();
            List<Map.Entry<String, List<WorkflowDocument.PartTrigger>>> asked = partsOf.entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty() || !knownEmpty(d, e.getKey())).toList();
            // Before a part is sent triggers, its count is forgotten: whatever happens next (a crash, a newer
            // version, a refusal), it is asked again until an answer says what it holds.
            ObjectNode unknown = EventJson.MAPPER.createObjectNode();
            asked.stream().filter(e -> !e.getValue().isEmpty() && d.parts().path(e.getKey()).has(HOLDS))
                    .forEach(e -> unknown.set(e.getKey(), ((ObjectNode) d.parts().get(e.getKey())).deepCopy()
                            .without(HOLDS)));
            asked.stream().filter(e -> !e.getValue().isEmpty() && !d.parts().has(e.getKey()))
                    .forEach(e -> unknown.putObject(e.getKey()));
            Uni<Void> forget = unknown.isEmpty() ? Uni.createFrom().voidItem()
                    : store.mergeParts(d.tenantId(), d.workflowId(), unknown);
            return forget.chain(() -> Multi.createFrom().iterable(asked)
                    .onItem().transformToUniAndConcatenate(e -> parts.put(e.getKey(), d.tenantId(), d.workflowId(),
                            d.version(), e.getValue(), false).invoke(a -> answers.put(e.getKey(), a)))
                    .collect().asList())
                    .chain(ignored -> settle(d, answers));
        });
    }

    private Uni<Outcome> settle(Deployment d, Map<String, PartClient.Answer> answers) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        ObjectNode conditions = EventJson.MAPPER.createObjectNode();
        PartClient.Refused refused = null;
        String refusedPart = null;
        boolean pending = false;
        for (Map.Entry<String, PartClient.Answer> e : answers.entrySet()) {
            JsonNode before = d.parts().path(e.getKey());
            ObjectNode c = conditions.putObject(e.getKey());
            String condition;
            if (e.getValue() instanceof PartClient.Applied applied) {
                condition = "Ready";
                c.put("version", d.version());
                // Refused and unreachable parts record no count: they may hold what they took before (a second
                // trigger's route was taken after the first was created), so they are asked again.
                c.put(HOLDS, applied.result().items().stream()
                        .filter(i -> i.action() != PartResult.Action.deleted).count());
            } else if (e.getValue() instanceof PartClient.Refused r) {
                condition = "Failed";
                c.put("reason", r.detail());
                refused = r;
                refusedPart = e.getKey();
            } else {
                condition = "Pending";
                c.put("reason", ((PartClient.Unreachable) e.getValue()).reason());
                pending = true;
            }
            if (!c.has("version") && before.has("version")) {
                c.set("version", before.get("version"));
            }
            c.put("condition", condition);
            c.put("since", condition.equals(before.path("condition").asText()) ? before.path("since").asText()
                    : now.toString());
        }
        boolean inForce = d.activeVersion() != null && d.activeVersion() == d.version();
        if (refused != null && d.version() != 0 && !inForce) {
            ObjectNode failure = EventJson.MAPPER.createObjectNode();
            failure.put("version", d.version()).put("part", refusedPart).put("code", refused.code())
                    .put("detail", refused.detail()).put("at", now.toString());
            ArrayNode errors = failure.putArray("errors");
            for (FieldError fe : refused.errors()) {
                errors.addObject().put("field", fe.field()).put("message", fe.message());
            }
            // Back to the version in force (or to nothing): the parts that took the refused one go back with it.
            return store.refuse(d.tenantId(), d.workflowId(), d.version(), failure)
                    .chain(back -> back.isEmpty()
                            // A newer version superseded the refused one: it is the reconciler's now.
                            ? store.release(d.tenantId(), d.workflowId(), now)
                                    .replaceWith(new Outcome(Result.REFUSED, null, failure))
                            : reconcile(back.get()).map(o -> new Outcome(Result.REFUSED, o.deployment(), failure)));
        }
        boolean applied = refused == null && !pending;
        return store.settle(d.tenantId(), d.workflowId(), d.version(), conditions, applied,
                        applied ? null : now.plus(refused != null ? RETRY.multipliedBy(12) : RETRY))
                // A newer version superseded this one: free the workflow for the reconciler at once.
                .chain(current -> current ? Uni.createFrom().voidItem()
                        : store.release(d.tenantId(), d.workflowId(), now))
                .chain(() -> store.find(d.tenantId(), d.workflowId()))
                .map(now2 -> new Outcome(applied ? Result.READY : Result.PENDING, now2.orElse(null), null,
                        answers));
    }

    private Uni<Outcome> remove(Deployment d) {
        Map<String, PartClient.Answer> answers = new LinkedHashMap<>();
        return Multi.createFrom().iterable(parts.parts().stream().filter(p -> !knownEmpty(d, p)).toList())
                .onItem().transformToUniAndConcatenate(part -> parts.delete(part, d.tenantId(), d.workflowId())
                        .invoke(a -> answers.put(part, a)))
                .collect().asList()
                .chain(ignored -> {
                    boolean done = answers.values().stream().allMatch(a -> a instanceof PartClient.Applied);
                    if (done) {
                        return store.remove(d.tenantId(), d.workflowId())
                                .replaceWith(new Outcome(Result.REMOVED, null, null));
                    }
                    return store.release(d.tenantId(), d.workflowId(), OffsetDateTime.now(ZoneOffset.UTC).plus(RETRY))
                            .chain(() -> store.find(d.tenantId(), d.workflowId()))
                            .map(now -> new Outcome(Result.PENDING, now.orElse(null), null));
                });
    }

    /** How many triggers a part held of the workflow at its last answer (absent: not known). */
    static final String HOLDS = "holds";

    /**
     * Whether the part is known to hold nothing of the workflow: it has never been sent a trigger of it, or its last
     * answer held none. Such a part is not asked to stay empty, so a workflow without webhooks neither waits for
     * the webhook-gateway nor goes Pending while it is down.
     */
    static boolean knownEmpty(Deployment d, String part) {
        JsonNode c = d.parts().get(part);
        return c == null || c.path(HOLDS).asInt(-1) == 0;
    }

    private Map<String, List<WorkflowDocument.PartTrigger>> empty() {
        Map<String, List<WorkflowDocument.PartTrigger>> out = new LinkedHashMap<>();
        parts.parts().forEach(p -> out.put(p, List.of()));
        return out;
    }

    /** What one part holds for the workflow now; null when its service cannot say. */
    public Uni<PartResult> observed(String part, String tenantId, String workflowId) {
        return parts.get(part, tenantId, workflowId)
                .map(a -> a instanceof PartClient.Applied applied ? applied.result() : null);
    }
}
