package io.agenttriggers.queue.domain;

/** A message that cannot become a trigger event; the message says why without quoting the body. */
public class ParseException extends Exception {

    public ParseException(String message) {
        super(message, null, false, false);
    }
}
