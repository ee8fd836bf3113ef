package io.agenttriggers.dispatcher.client;

import java.time.Duration;

/**
 * A failed attempt. {@code retryable} covers connection errors, timeouts, 5xx and 429; other 4xx and an agent
 * that reports failure are final.
 */
public class RuntimeFailure extends RuntimeException {

    private final boolean retryable;
    private final Integer statusCode;
    private final String errorClass;
    private final Duration retryAfter;

    public RuntimeFailure(boolean retryable, Integer statusCode, String errorClass, String message,
            Duration retryAfter) {
        super(message, null, false, false);
        this.retryable = retryable;
        this.statusCode = statusCode;
        this.errorClass = errorClass;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    public Integer statusCode() {
        return statusCode;
    }

    public String errorClass() {
        return errorClass;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
