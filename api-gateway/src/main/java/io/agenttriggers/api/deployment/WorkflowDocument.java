package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A workflow's deployment document: the workflow, its dispatch defaults and every trigger it owns, each with the
 * fields the owning service's own API takes plus {@code name} and {@code type}. Validated whole (fields as JSON
 * paths into the document, {@code $.triggers[0].expression}) before anything changes; split into one part per
 * owning service.
 */
public final class WorkflowDocument {

    /** Most triggers one workflow may own. */
    public static final int MAX_TRIGGERS = 50;
    private static final Pattern TRIGGER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> TOP_LEVEL = Set.of("workflowId", "tenantId", "description", "dispatch",
            "governance", "triggers");
    /** Trigger types this release deploys, and the service part each goes to. */
    static final Map<String, String> PARTS = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(
            Map.of("cron", "cron", "manual", "manual", "webhook", "webhook", "github", "webhook", "api", "api",
                    "queue", "queue", "email", "queue")));
    /** Parts whose triggers take the document's dispatch options ({@code options}). */
    private static final Set<String> TAKE_OPTIONS = Set.of("cron", "manual", "api", "queue");
    /** The broker block a {@code queue} trigger has exactly one of; it is the queue-consumer source's type. */
    private static final List<String> QUEUE_BLOCKS = List.of("kafka", "amqp", "rabbitmq", "sqs");
    /** A {@code github} trigger's fields that are the webhook endpoint's {@code github} filter. */
    private static final Set<String> GITHUB_FILTER = Set.of("events", "actions", "repositories", "branches", "paths",
            "authors", "context");

    private final ObjectNode json;

    private WorkflowDocument(ObjectNode json) {
        this.json = json;
    }

    public String workflowId() {
        return json.path("workflowId").asText(null);
    }

    public String tenantId() {
        return json.path("tenantId").asText(null);
    }

    public ObjectNode json() {
        return json;
    }

    /** The document as stored. */
    public static WorkflowDocument of(JsonNode stored) {
        return new WorkflowDocument((ObjectNode) stored);
    }

    /**
     * Reads and checks a document; {@code workflowId} is the one of the path (the body may repeat it, or leave it
     * out). Every problem goes to {@code errors}; the document is usable only when there are none.
     */
    public static WorkflowDocument parse(JsonNode body, String workflowId, List<FieldError> errors) {
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("$", "must be a JSON object"));
            return null;
        }
        ObjectNode doc = ((ObjectNode) body).deepCopy();
        body.fieldNames().forEachRemaining(f -> {
            if (!TOP_LEVEL.contains(f)) {
                errors.add(new FieldError("$." + f, "is not a field of a workflow document"));
            }
        });
        JsonNode id = doc.get("workflowId");
        if (id != null && !id.isNull() && !workflowId.equals(id.asText())) {
            errors.add(new FieldError("$.workflowId", "must be the workflow id of the path (" + workflowId + ")"));
        }
        doc.put("workflowId", workflowId);
        String tenant = doc.path("tenantId").asText("");
        if (!Ownership.TENANT_ID.matcher(tenant).matches()) {
            errors.add(new FieldError("$.tenantId", "is required: 1-64 letters, digits, '.', '_' or '-'"));
        }
        JsonNode description = doc.get("description");
        if (description != null && !description.isNull()
                && (!description.isTextual() || description.asText().length() > 2000)) {
            errors.add(new FieldError("$.description", "must be text of at most 2000 characters"));
        }
        dispatch(doc.get("dispatch"), errors);
        governance(doc.get("governance"), errors);
        JsonNode triggers = doc.get("triggers");
        if (triggers == null || !triggers.isArray()) {
            errors.add(new FieldError("$.triggers", "is required: a list of triggers"));
            return new WorkflowDocument(doc);
        }
        if (triggers.size() > MAX_TRIGGERS) {
            errors.add(new FieldError("$.triggers", "at most " + MAX_TRIGGERS + " triggers per workflow"));
            return new WorkflowDocument(doc);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < triggers.size(); i++) {
            String at = "$.triggers[" + i + "]";
            JsonNode t = triggers.get(i);
            if (!t.isObject()) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            String name = t.path("name").asText("");
            if (!TRIGGER_NAME.matcher(name).matches()) {
                errors.add(new FieldError(at + ".name", "is required: 1-64 letters, digits, '.', '_' or '-'"));
            } else if (!names.add(name)) {
                errors.add(new FieldError(at + ".name", "repeats " + name + ": trigger names are unique in a "
                        + "workflow"));
            }
            String type = t.path("type").asText("");
            if (!PARTS.containsKey(type)) {
                errors.add(new FieldError(at + ".type", "is required: one of " + String.join(", ", PARTS.keySet())));
            } else if (type.equals("queue")
                    && QUEUE_BLOCKS.stream().filter(b -> t.path(b).isObject()).count() != 1) {
                errors.add(new FieldError(at, "a queue trigger has exactly one of " + String.join(", ", QUEUE_BLOCKS)
                        + " (the broker it reads)"));
            } else if (type.equals("email") && !t.path("imap").isObject()) {
                errors.add(new FieldError(at + ".imap", "is required: the mailbox an email trigger polls"));
            }
            for (String owned : List.of("tenantId", "workflowId")) {
                if (t.has(owned)) {
                    errors.add(new FieldError(at + "." + owned, "is the document's; leave it out of the trigger"));
                }
            }
        }
        return new WorkflowDocument(doc);
    }

    /** The governance block's fields, and the policy field each becomes. */
    private static final Map<String, String> GOVERNANCE = Map.of("rateLimit", "rateLimit", "maxRunsPerDay",
            "quota.maxRunsPerDay", "maxCostPerDayUsd", "budget.maxCostPerDayUsd", "timezone", "quota.timezone",
            "cooldown", "cooldown", "concurrency", "concurrency.max", "circuitBreaker", "circuitBreaker");

    private static void governance(JsonNode block, List<FieldError> errors) {
        if (block == null || block.isNull()) {
            return;
        }
        if (!block.isObject()) {
            errors.add(new FieldError("$.governance", "must be an object"));
            return;
        }
        block.fieldNames().forEachRemaining(f -> {
            if (!GOVERNANCE.containsKey(f)) {
                errors.add(new FieldError("$.governance." + f, "is not a field of a governance block (" 
                        + String.join(", ", new java.util.TreeSet<>(GOVERNANCE.keySet())) + ")"));
            }
        });
        for (String object : List.of("rateLimit", "circuitBreaker")) {
            if (block.has(object) && !block.get(object).isObject()) {
                errors.add(new FieldError("$.governance." + object, "must be an object"));
            }
        }
        for (String number : List.of("maxRunsPerDay", "maxCostPerDayUsd", "concurrency")) {
            if (block.has(number) && !block.get(number).isNumber()) {
                errors.add(new FieldError("$.governance." + number, "must be a number"));
            }
        }
        for (String text : List.of("timezone", "cooldown")) {
            if (block.has(text) && !block.get(text).isTextual()) {
                errors.add(new FieldError("$.governance." + text, "must be text"));
            }
        }
    }

    /**
     * The governance block as the workflow's policy (governance-service names it and gives it the workflow's
     * match; limits are the workflow's as a whole).
     */
    private static ObjectNode policy(JsonNode block) {
        ObjectNode policy = EventJson.MAPPER.createObjectNode();
        if (block.has("rateLimit")) {
            policy.set("rateLimit", block.get("rateLimit"));
        }
        if (block.has("maxRunsPerDay")) {
            policy.putObject("quota").set("maxRunsPerDay", block.get("maxRunsPerDay"));
        }
        if (block.has("maxCostPerDayUsd")) {
            policy.putObject("budget").set("maxCostPerDayUsd", block.get("maxCostPerDayUsd"));
        }
        if (block.has("timezone")) {
            // The calendar day of both the quota and the budget.
            for (String day : List.of("quota", "budget")) {
                if (policy.has(day)) {
                    ((ObjectNode) policy.get(day)).set("timezone", block.get("timezone"));
                }
            }
        }
        if (block.has("cooldown")) {
            policy.set("cooldown", block.get("cooldown"));
        }
        if (block.has("concurrency")) {
            policy.putObject("concurrency").set("max", block.get("concurrency"));
        }
        if (block.has("circuitBreaker")) {
            policy.set("circuitBreaker", block.get("circuitBreaker"));
        }
        return policy;
    }

    /** A governance-service field of the block's policy as a path into the document's block. */
    static String governancePath(String policyField) {
        if (policyField.endsWith(".timezone")) {
            return "$.governance.timezone";
        }
        for (Map.Entry<String, String> e : GOVERNANCE.entrySet()) {
            if (policyField.equals(e.getValue()) || policyField.startsWith(e.getValue() + ".")) {
                return "$.governance." + e.getKey() + policyField.substring(e.getValue().length());
            }
        }
        return "$.governance";
    }

    /** The part a trigger type goes to; {@code governance} for the document's governance block. */
    public static String partOf(String type) {
        return GOVERNANCE_PART.equals(type) ? GOVERNANCE_PART : PARTS.get(type);
    }

    /** The part (and status entry) of the document's governance block. */
    public static final String GOVERNANCE_PART = "governance";

    private static void dispatch(JsonNode dispatch, List<FieldError> errors) {
        if (dispatch == null || dispatch.isNull()) {
            return;
        }
        if (!dispatch.isObject()) {
            errors.add(new FieldError("$.dispatch", "must be an object"));
            return;
        }
        JsonNode focus = dispatch.get("focus");
        if (focus != null && !focus.isNull() && (!focus.isTextual() || focus.asText().length() > 500)) {
            errors.add(new FieldError("$.dispatch.focus", "must be text of at most 500 characters"));
        }
        try {
            options(dispatch);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("$.dispatch", reason(e)));
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? "is invalid" : message.split("\n")[0].replaceAll(" \\(class [^)]*\\)", "");
    }

    /** The dispatch options of the document's {@code dispatch} block (its {@code focus} apart). */
    private static DispatchOptions options(JsonNode dispatch) {
        ObjectNode copy = ((ObjectNode) dispatch).deepCopy();
        copy.remove("focus");
        return EventJson.MAPPER.convertValue(copy, DispatchOptions.class);
    }

    /**
     * A trigger of a part, with the index it has in the document (to map the service's errors back); the
     * governance block's policy has index {@link #GOVERNANCE}.
     */
    public record PartTrigger(int index, String name, ObjectNode spec) {
        public static final int GOVERNANCE = -1;
    }

    /**
     * The document split by owning service: each trigger as the service's API takes it, its {@code type} dropped and
     * the document's event name, focus and dispatch options filled in where the trigger leaves them out. Every part
     * this release knows is present, empty when the document has none of its triggers (so a removed trigger goes).
     */
    public Map<String, List<PartTrigger>> parts() {
        Map<String, List<PartTrigger>> out = new LinkedHashMap<>();
        PARTS.values().forEach(p -> out.put(p, new ArrayList<>()));
        JsonNode dispatch = json.path("dispatch");
        ArrayNode triggers = (ArrayNode) json.get("triggers");
        for (int i = 0; i < triggers.size(); i++) {
            ObjectNode spec = ((ObjectNode) triggers.get(i)).deepCopy();
            String type = spec.remove("type").asText();
            String part = PARTS.get(type);
            if (type.equals("github")) {
                github(spec);
            }
            if (part.equals("queue")) {
                source(type, spec);
            }
            if (!spec.hasNonNull("eventName")) {
                spec.put("eventName", workflowId());
            }
            if (!spec.hasNonNull("focus") && dispatch.hasNonNull("focus")) {
                spec.put("focus", dispatch.get("focus").asText());
            }
            if (TAKE_OPTIONS.contains(part) && !spec.hasNonNull("options") && dispatch.isObject()) {
                ObjectNode options = ((ObjectNode) dispatch).deepCopy();
                options.remove("focus");
                if (!options.isEmpty()) {
                    spec.set("options", options);
                }
            }
            out.get(part).add(new PartTrigger(i, spec.path("name").asText(), spec));
        }
        List<PartTrigger> governance = new ArrayList<>();
        JsonNode block = json.get("governance");
        if (block != null && block.isObject()) {
            governance.add(new PartTrigger(PartTrigger.GOVERNANCE, GOVERNANCE_PART, policy(block)));
        }
        out.put(GOVERNANCE_PART, governance);
        return out;
    }

    /**
     * A {@code github} trigger as the webhook endpoint it is: GitHub's signature check ({@code auth.type github}
     * unless the trigger sets auth; {@code app: true} makes it a GitHub App endpoint, reached through the App's one
     * URL, {@code auth.type github-app}) and its filter and context fields gathered into {@code github}.
     */
    private static void github(ObjectNode spec) {
        ObjectNode filter = spec.has("github") && spec.get("github").isObject() ? (ObjectNode) spec.get("github")
                : EventJson.MAPPER.createObjectNode();
        for (String f : GITHUB_FILTER) {
            if (spec.has(f)) {
                filter.set(f, spec.remove(f));
            }
        }
        if (!filter.isEmpty()) {
            spec.set("github", filter);
        }
        boolean app = spec.path("app").isBoolean() && spec.remove("app").asBoolean();
        if (!spec.has("auth")) {
            spec.putObject("auth").put("type", app ? "github-app" : "github");
        }
    }

    /**
     * A {@code queue} or {@code email} trigger as the queue-consumer source it is: its type is the broker block it
     * has ({@code email} is {@code imap}). A plain event name or focus is a fixed value there too.
     */
    private static void source(String type, ObjectNode spec) {
        spec.put("type", type.equals("email") ? "imap"
                : QUEUE_BLOCKS.stream().filter(b -> spec.path(b).isObject()).findFirst().orElse(null));
    }

    /** The trigger's type and name by document index, for status views. */
    public List<String[]> triggers() {
        List<String[]> out = new ArrayList<>();
        json.path("triggers").forEach(t -> out.add(new String[] { t.path("name").asText(), t.path("type").asText() }));
        if (json.path("governance").isObject()) {
            out.add(new String[] { GOVERNANCE_PART, GOVERNANCE_PART });
        }
        return out;
    }
}
