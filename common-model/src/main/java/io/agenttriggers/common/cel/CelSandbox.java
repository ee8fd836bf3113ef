package io.agenttriggers.common.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

/**
 * The one place CEL written by tenants is compiled: webhook filters, policy conditions and limit keys. Whoever writes
 * an expression or sends the data it reads must not be able to make one evaluation costly for everyone sharing the
 * thread, so every expression is bounded three ways:
 * <ul>
 * <li>at compile time, by an estimate of its worst-case cost ({@link CelCost}) with the payload's lists assumed to hold
 * {@value CelCost#ASSUMED_LIST_SIZE} elements: nested comprehensions over the payload are refused up front;</li>
 * <li>at run time, by CEL's own iteration cap over all comprehensions of one evaluation
 * ({@value #MAX_ITERATIONS}), and</li>
 * <li>by a cost meter over every evaluated step, strings and lists counted by size ({@value #MAX_COST}).</li>
 * </ul>
 * Both run-time limits end the evaluation with a {@link CelEvaluationFailure} whose {@code limitExceeded()} is true.
 */
public final class CelSandbox {

    /** Longest expression accepted, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** Iterations of all comprehensions of one evaluation together (CEL's {@code comprehensionMaxIterations}). */
    public static final int MAX_ITERATIONS = 10_000;
    /**
     * Cost units one evaluation may spend, and the most an expression's estimate may be. A unit is one evaluated step
     * (about a tenth of a microsecond on a warm JVM), or 64 characters of a string or one element of a list a step
     * produced, so the whole budget is a few milliseconds of one core.
     */
    public static final long MAX_COST = 100_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(64)
            .maxRegexProgramSize(1_000)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings())
            .build();

    private final CelCompiler compiler;

    private CelSandbox(CelCompiler compiler) {
        this.compiler = compiler;
    }

    /** A sandbox whose expressions see these variables. */
    public static CelSandbox of(Map<String, CelType> variables) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.strings());
        variables.forEach(builder::addVar);
        return new CelSandbox(builder.build());
    }

    /**
     * Compiles an expression; a {@link CelRefusedException} says why it cannot be used (syntax, types, length, or an
     * estimated cost over {@link #MAX_COST}).
     *
     * @param mustBeBoolean whether the expression must give a boolean (a filter or condition) or may give anything (a key)
     */
    public CelProgram compile(String expression, boolean mustBeBoolean) {
        if (expression == null || expression.isBlank()) {
            throw new CelRefusedException("is empty");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new CelRefusedException("is at most " + MAX_LENGTH + " characters");
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(expression).getAst();
        } catch (CelValidationException e) {
            throw new CelRefusedException("is not valid CEL: " + e.getMessage());
        }
        if (mustBeBoolean && !ast.getResultType().equals(SimpleType.BOOL)
                && !ast.getResultType().equals(SimpleType.DYN)) {
            throw new CelRefusedException("must be a boolean expression, not " + ast.getResultType().name());
        }
        long estimate = CelCost.estimate(ast.getExpr());
        if (estimate > MAX_COST) {
            throw new CelRefusedException("is too expensive: its estimated cost is " + estimate
                    + " (lists assumed to hold " + CelCost.ASSUMED_LIST_SIZE + " elements), over the limit of "
                    + MAX_COST + "; avoid comprehensions nested over the payload's lists");
        }
        try {
            return new CelProgram(expression, RUNTIME.createProgram(ast), estimate);
        } catch (CelEvaluationException e) {
            throw new CelRefusedException(e.getMessage());
        }
    }
}
