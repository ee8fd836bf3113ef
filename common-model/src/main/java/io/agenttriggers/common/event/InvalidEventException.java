package io.agenttriggers.common.event;

/** A CloudEvent that does not follow the trigger-event or outcome contract. */
public class InvalidEventException extends IllegalArgumentException {
    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
