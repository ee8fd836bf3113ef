package io.agenttriggers.common.cel;

/**
 * An evaluation that gave no value: the data did not fit the expression (a missing field, a wrong type), or the
 * evaluation hit one of the sandbox's limits ({@link #limitExceeded()}), which callers answer differently.
 */
public final class CelEvaluationFailure extends RuntimeException {

    private final boolean limitExceeded;

    CelEvaluationFailure(String message, boolean limitExceeded, Throwable cause) {
        super(message, cause, false, false);
        this.limitExceeded = limitExceeded;
    }

    /** Whether the evaluation was stopped by the iteration cap or the cost meter, rather than by the data. */
    public boolean limitExceeded() {
        return limitExceeded;
    }
}
