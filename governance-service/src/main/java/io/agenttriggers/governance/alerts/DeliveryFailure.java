package io.agenttriggers.governance.alerts;

/** A notification attempt that a channel did not take; {@code retryable} when trying again may help. */
class DeliveryFailure extends RuntimeException {

    final boolean retryable;
    final Integer statusCode;

    DeliveryFailure(boolean retryable, Integer statusCode, String message) {
        super(message, null, false, false);
        this.retryable = retryable;
        this.statusCode = statusCode;
    }
}
