package io.agenttriggers.governance.domain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.json.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CEL over one event, as {@code event}: {@code id}, {@code tenantId}, {@code type} (trigger type), {@code eventName},
 * {@code source}, {@code focus}, {@code dedupKey}, {@code time} (ISO-8601), {@code payload} and {@code headers}. A
 * policy's {@code match.condition} is a boolean expression; a limit's {@code key} may be an expression whose value
 * (any type, as a string) names the bucket, e.g. {@code event.payload.repository.full_name}. CEL has no loops or side
 * effects, so evaluation is bounded by the (bounded) event.
 */
public final class EventCel {

    public static final int MAX_LENGTH = 4096;

    /** What an expression is for. */
    public enum Kind {
        CONDITION, KEY
    }

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addLibraries(dev.cel.extensions.CelExtensions.strings())
            .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addLibraries(dev.cel.extensions.CelExtensions.strings())
            .build();

    private final String expression;
    private final CelRuntime.Program program;

    private EventCel(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} with CEL's message when it is not valid. */
    public static EventCel compile(String expression, Kind kind) {
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an expression is at most " + MAX_LENGTH + " characters");
        }
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            if (kind == Kind.CONDITION && !ast.getResultType().equals(SimpleType.BOOL)
                    && !ast.getResultType().equals(SimpleType.DYN)) {
                throw new IllegalArgumentException("a condition must be a boolean expression, not "
                        + ast.getResultType().name());
            }
            return new EventCel(expression, RUNTIME.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
        e.put("time", event.time() == null ? "" : event.time().toString());
        e.put("payload", toJava(event.data() == null ? null : event.data().payload()));
        Map<String, Object> headers = new LinkedHashMap<>();
        if (event.data() != null && event.data().headers() != null) {
            headers.putAll(event.data().headers());
        }
        e.put("headers", headers);
        return Map.of("event", e);
    }

    /** True, false, or an {@link IllegalStateException} naming why the condition could not give a boolean. */
    public boolean test(Map<String, Object> activation) {
        Object result = eval(activation);
        if (result instanceof Boolean b) {
            return b;
        }
        throw new IllegalStateException("the condition gave " + result + ", not a boolean");
    }

    /** The expression's value as a string, for a limit key. */
    public String key(Map<String, Object> activation) {
        Object result = eval(activation);
        return result instanceof com.google.protobuf.NullValue ? "null" : String.valueOf(result);
    }

    private Object eval(Map<String, Object> activation) {
        try {
            return program.eval(activation);
        } catch (CelEvaluationException e) {
            throw new IllegalStateException("'" + expression + "' could not be evaluated: " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    static Object toJava(JsonNode node) {
        return JsonValues.toJava(node, com.google.protobuf.NullValue.NULL_VALUE);
    }

}
