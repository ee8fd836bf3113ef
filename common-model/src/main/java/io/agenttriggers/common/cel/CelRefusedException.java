package io.agenttriggers.common.cel;

/** An expression that cannot be used, with a message for the person who wrote it. */
public final class CelRefusedException extends IllegalArgumentException {

    public CelRefusedException(String message) {
        super(message);
    }
}
