package io.agenttriggers.cron.domain;

/** A cron expression or time zone that cannot be used; {@link #field()} names the part at fault. */
public class InvalidCronException extends RuntimeException {

    private final String field;

    public InvalidCronException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
