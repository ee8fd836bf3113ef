package io.agenttriggers.common.cel;

import dev.cel.common.ast.CelExpr;

/**
 * A worst-case cost estimate of an expression before it ever runs, in the units of {@link CelSandbox#MAX_COST}: each
 * step costs one, a comprehension costs its body once per element of its range, and a range whose size is not
 * written in the expression (a list from the payload) is assumed to hold {@value #ASSUMED_LIST_SIZE} elements. So
 * one comprehension over the payload is cheap, two nested cost {@code 100²} times their body, three are refused.
 */
final class CelCost {

    /** Elements assumed in a list the expression does not spell out. */
    static final long ASSUMED_LIST_SIZE = 100;
    /** Far above any limit: keeps the products of deep nesting from overflowing. */
    private static final long CEILING = Long.MAX_VALUE / 4;

    private CelCost() {
    }

    static long estimate(CelExpr expr) {
        return switch (expr.getKind()) {
            case CONSTANT, IDENT, NOT_SET -> 1;
            case SELECT -> add(1, estimate(expr.select().operand()));
            case CALL -> {
                long cost = 1;
                if (expr.call().target().isPresent()) {
                    cost = add(cost, estimate(expr.call().target().get()));
                }
                for (CelExpr arg : expr.call().args()) {
                    cost = add(cost, estimate(arg));
                }
                // Membership in a list walks it.
                yield expr.call().function().equals("@in") ? add(cost, ASSUMED_LIST_SIZE) : cost;
            }
            case LIST -> {
                long cost = 1;
                for (CelExpr e : expr.list().elements()) {
                    cost = add(cost, estimate(e));
                }
                yield cost;
            }
            case MAP -> {
                long cost = 1;
                for (CelExpr.CelMap.Entry e : expr.map().entries()) {
                    cost = add(cost, add(estimate(e.key()), estimate(e.value())));
                }
                yield cost;
            }
            case STRUCT -> {
                long cost = 1;
                for (CelExpr.CelStruct.Entry e : expr.struct().entries()) {
                    cost = add(cost, estimate(e.value()));
                }
                yield cost;
            }
            case COMPREHENSION -> {
                CelExpr.CelComprehension c = expr.comprehension();
                CelExpr range = c.iterRange();
                long size = range.getKind() == CelExpr.ExprKind.Kind.LIST ? range.list().elements().size()
                        : ASSUMED_LIST_SIZE;
                long perElement = add(estimate(c.loopCondition()), estimate(c.loopStep()));
                yield add(add(estimate(range), estimate(c.accuInit())), add(multiply(size, perElement),
                        estimate(c.result())));
            }
        };
    }

    private static long add(long a, long b) {
        return Math.min(CEILING, a + b);
    }

    private static long multiply(long a, long b) {
        return a != 0 && b > CEILING / a ? CEILING : Math.min(CEILING, a * b);
    }
}
