package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.api.deployment.DeploymentStore.Deployment;
import io.agenttriggers.common.declarative.PartResult;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deployment as users read it: the desired version and the one in force, and per trigger a condition
 * ({@code Ready}, {@code Pending}, {@code Failed} with reason and since) with what its service observes of it.
 * {@code secrets} is only in the answer of the deploy that created webhook triggers: their generated secrets, by
 * trigger name, shown this once (never stored by the api-gateway).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentStatus(String workflowId, String tenantId, String state, int desiredVersion,
        Integer observedVersion, String description, List<TriggerStatus> triggers, JsonNode lastFailure,
        OffsetDateTime createdAt, OffsetDateTime updatedAt, Map<String, String> secrets) {

    /** The status with the secrets the parts' answers show once. */
    public DeploymentStatus withSecrets(Map<String, PartClient.Answer> answers) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (answers != null) {
            answers.values().forEach(a -> {
                if (a instanceof PartClient.Applied applied) {
                    applied.result().items().forEach(i -> {
                        if (i.observed() != null && i.observed().get("secret") instanceof String s) {
                            out.put(i.name(), s);
                        }
                    });
                }
            });
        }
        return out.isEmpty() ? this : new DeploymentStatus(workflowId, tenantId, state, desiredVersion,
                observedVersion, description, triggers, lastFailure, createdAt, updatedAt, out);
    }

    /** One trigger of the desired version. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TriggerStatus(String name, String type, String id, Condition condition,
            Map<String, Object> observed) {
    }

    /** Where a trigger is: {@code Ready}, {@code Pending} or {@code Failed}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Condition(String type, String reason, String since) {
    }

    /**
     * The status of a deployment whose desired document is {@code desired} (null: none), with what each part
     * answered now ({@code observed}: part → its items, absent when the service could not be asked).
     */
    public static DeploymentStatus of(Deployment d, WorkflowDocument desired, Map<String, PartResult> observed) {
        List<TriggerStatus> triggers = new ArrayList<>();
        if (desired != null) {
            for (String[] t : desired.triggers()) {
                String part = WorkflowDocument.partOf(t[1]);
                JsonNode c = d.parts().path(part);
                Condition condition;
                if ("deleting".equals(d.state())) {
                    condition = new Condition("Pending", "being removed", null);
                } else if ("Ready".equals(c.path("condition").asText()) && c.path("version").asInt() == d.version()) {
                    condition = new Condition("Ready", null, c.path("since").asText(null));
                } else if (c.has("condition") && !"Ready".equals(c.path("condition").asText())) {
                    condition = new Condition(c.path("condition").asText(), c.path("reason").asText(null),
                            c.path("since").asText(null));
                } else {
                    condition = new Condition("Pending", "not applied yet", null);
                }
                PartResult.Item item = null;
                PartResult found = observed.get(part);
                if (found != null) {
                    item = found.items().stream().filter(i -> t[0].equals(i.name())).findFirst().orElse(null);
                }
                if (found != null && item == null && "Ready".equals(condition.type())) {
                    condition = new Condition("Failed", "its service no longer holds it", null);
                }
                triggers.add(new TriggerStatus(t[0], t[1], item == null ? null : item.id(), condition,
                        item == null ? null : withoutSecret(item.observed())));
            }
        }
        String state = switch (d.state()) {
            case "ready" -> "Ready";
            case "deleting" -> "Deleting";
            default -> "Pending";
        };
        return new DeploymentStatus(d.workflowId(), d.tenantId(), state, d.version(), d.activeVersion(),
                desired == null ? null : desired.json().path("description").asText(null), triggers, d.lastFailure(),
                d.createdAt(), d.updatedAt(), null);
    }

    private static Map<String, Object> withoutSecret(Map<String, Object> observed) {
        if (observed == null || !observed.containsKey("secret")) {
            return observed;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(observed);
        out.remove("secret");
        return out;
    }
}
