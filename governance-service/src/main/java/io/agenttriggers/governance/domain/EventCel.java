package io.agenttriggers.governance.domain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import io.agenttriggers.common.cel.CelEvaluationFailure;
import io.agenttriggers.common.cel.CelProgram;
import io.agenttriggers.common.cel.CelSandbox;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.json.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CEL over one event, as {@code event}: {@code id}, {@code tenantId}, {@code type} (trigger type), {@code eventName},
 * {@code source}, {@code focus}, {@code dedupKey}, {@code time} (ISO-8601), {@code payload} and {@code headers}. A
 * policy's {@code match.condition} is a boolean expression; a limit's {@code key} may be an expression whose value
 * (any type, as a string) names the bucket, e.g. {@code event.payload.repository.full_name}. Compiled and evaluated
 * in the {@link CelSandbox}: every evaluation is bounded in iterations and cost whatever the event carries.
 */
public final class EventCel {

    public static final int MAX_LENGTH = CelSandbox.MAX_LENGTH;
    /** Expressions estimated above this many cost units make the policy set's evaluation move off the event loop. */
    static final long INLINE_COST = 2_000;

    /** What an expression is for. */
    public enum Kind {
        CONDITION, KEY
    }

    private static final CelSandbox SANDBOX = CelSandbox.of(Map.of(
            "event", MapType.create(SimpleType.STRING, SimpleType.DYN)));

    private final CelProgram program;

    private EventCel(CelProgram program) {
        this.program = program;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} saying why it cannot be used. */
    public static EventCel compile(String expression, Kind kind) {
        return new EventCel(SANDBOX.compile(expression, kind == Kind.CONDITION));
    }

    /** The event as CEL sees it; build once per event and share between expressions. */
    public static Map<String, Object> activation(TriggerEvent event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", event.id());
        e.put("tenantId", event.tenantId());
        e.put("type", event.type().wire());
        e.put("eventName", event.eventName());
        e.put("source", event.source());
        e.put("focus", event.focus() == null ? "" : event.focus());
        e.put("dedupKey", event.dedupKey() == null ? "" : event.dedupKey());
        e.put("workflowId", event.workflowId() == null ? "" : event.workflowId());
        e.put("time", event.time() == null ? "" : event.time().toString());
        e.put("payload", toJava(event.data() == null ? null : event.data().payload()));
        Map<String, Object> headers = new LinkedHashMap<>();
        if (event.data() != null && event.data().headers() != null) {
            headers.putAll(event.data().headers());
        }
        e.put("headers", headers);
        return Map.of("event", e);
    }

    /**
     * True, false, or an {@link EvaluationError} naming why the condition gave no boolean (and whether a sandbox
     * limit stopped it).
     */
    public boolean test(Map<String, Object> activation) {
        Object result = eval(activation);
        if (result instanceof Boolean b) {
            return b;
        }
        throw new EvaluationError("the condition gave " + result + ", not a boolean", false);
    }

    /** The expression's value as a string, for a limit key. */
    public String key(Map<String, Object> activation) {
        Object result = eval(activation);
        return result instanceof com.google.protobuf.NullValue ? "null" : String.valueOf(result);
    }

    private Object eval(Map<String, Object> activation) {
        try {
            return program.eval(activation);
        } catch (CelEvaluationFailure e) {
            throw new EvaluationError("'" + program.expression() + "' could not be evaluated: " + e.getMessage(),
                    e.limitExceeded());
        }
    }

    public String expression() {
        return program.expression();
    }

    /** Whether an evaluation may take long enough that it belongs off the event loop. */
    public boolean costly() {
        return program.estimatedCost() > INLINE_COST;
    }

    static Object toJava(JsonNode node) {
        return JsonValues.toJava(node, com.google.protobuf.NullValue.NULL_VALUE);
    }

    /** An expression that gave no usable value; {@code limitExceeded} when the sandbox stopped it. */
    public static final class EvaluationError extends IllegalStateException {

        private final boolean limitExceeded;

        EvaluationError(String message, boolean limitExceeded) {
            super(message);
            this.limitExceeded = limitExceeded;
        }

        public boolean limitExceeded() {
            return limitExceeded;
        }
    }
}
