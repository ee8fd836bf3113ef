package io.agenttriggers.webhook.domain;

import io.agenttriggers.common.json.JsonValues;

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
import java.util.Map;

/**
 * An endpoint's filter: a CEL expression over {@code payload} (the parsed body) and {@code headers} (lower-case
 * names), e.g. {@code headers['x-github-event'] == 'push' && payload.ref == 'refs/heads/main'}. CEL has no loops
 * or side effects, so evaluation is bounded by the (bounded) payload.
 */
public final class CelFilter {

    public static final int MAX_LENGTH = 4096;

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addLibraries(dev.cel.extensions.CelExtensions.strings())
            .addVar("payload", SimpleType.DYN)
            .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addLibraries(dev.cel.extensions.CelExtensions.strings())
            .build();

    private final String expression;
    private final CelRuntime.Program program;

    private CelFilter(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} with CEL's message when it is not valid. */
    public static CelFilter compile(String expression) {
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a filter is at most " + MAX_LENGTH + " characters");
        }
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL) && !ast.getResultType().equals(SimpleType.DYN)) {
                throw new IllegalArgumentException("a filter must be a boolean expression, not "
                        + ast.getResultType().name());
            }
            return new CelFilter(expression, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The verdict, and why when it is not a plain true. */
    public record Verdict(boolean matches, String reason) {
    }

    public Verdict test(JsonNode payload, Map<String, String> headers) {
        try {
            Object result = program.eval(Map.of("payload", JsonValues.toJava(payload,
                    com.google.protobuf.NullValue.NULL_VALUE), "headers", headers));
            if (result instanceof Boolean b) {
                return new Verdict(b, b ? null : "the filter is false");
            }
            return new Verdict(false, "the filter gave " + result + ", not a boolean");
        } catch (CelEvaluationException e) {
            return new Verdict(false, "the filter could not be evaluated: " + e.getMessage());
        }
    }

    public String expression() {
        return expression;
    }
}
