package io.agenttriggers.common.cel;

import com.google.protobuf.ByteString;
import dev.cel.common.CelErrorCode;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import java.util.Collection;
import java.util.Map;

/** A compiled expression of the {@link CelSandbox}: evaluated with its cost metered, never past the limits. */
public final class CelProgram {

    private final String expression;
    private final CelRuntime.Program program;
    private final long estimatedCost;

    CelProgram(String expression, CelRuntime.Program program, long estimatedCost) {
        this.expression = expression;
        this.program = program;
        this.estimatedCost = estimatedCost;
    }

    /** The value of the expression over the variables; a {@link CelEvaluationFailure} when there is none. */
    public Object eval(Map<String, ?> activation) {
        Meter meter = new Meter();
        try {
            return program.trace(activation, meter);
        } catch (CelEvaluationException e) {
            if (meter.exceeded || e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
                throw new CelEvaluationFailure(meter.exceeded
                        ? "the evaluation exceeded its cost limit of " + CelSandbox.MAX_COST
                        : "the evaluation exceeded its limit of " + CelSandbox.MAX_ITERATIONS + " iterations",
                        true, e);
            }
            throw new CelEvaluationFailure(e.getMessage(), false, e);
        } catch (Meter.Exceeded e) {
            throw new CelEvaluationFailure("the evaluation exceeded its cost limit of " + CelSandbox.MAX_COST, true, e);
        }
    }

    public String expression() {
        return expression;
    }

    /** The compile-time estimate of the worst-case cost. */
    public long estimatedCost() {
        return estimatedCost;
    }

    /** Counts the cost of each evaluated step and stops the evaluation once the budget is spent. */
    private static final class Meter implements CelEvaluationListener {

        long spent;
        boolean exceeded;

        @Override
        public void callback(CelExpr expr, Object result) {
            spent += 1;
            CelExpr.ExprKind.Kind kind = expr.getKind();
            // What a call or comprehension produced is paid by size: concatenations and map() cost what they build.
            if (kind == CelExpr.ExprKind.Kind.CALL || kind == CelExpr.ExprKind.Kind.COMPREHENSION) {
                spent += size(result);
            }
            if (spent > CelSandbox.MAX_COST) {
                exceeded = true;
                throw new Exceeded();
            }
        }

        private static long size(Object value) {
            if (value instanceof String s) {
                return s.length() >> 6;
            }
            if (value instanceof ByteString b) {
                return b.size() >> 6;
            }
            if (value instanceof Collection<?> c) {
                return c.size();
            }
            if (value instanceof Map<?, ?> m) {
                return m.size();
            }
            return 0;
        }

        /** Thrown out of the interpreter to stop it; carries no stack. */
        static final class Exceeded extends RuntimeException {
            Exceeded() {
                super("cost limit exceeded", null, false, false);
            }
        }
    }
}
