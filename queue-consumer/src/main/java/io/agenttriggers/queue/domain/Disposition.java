package io.agenttriggers.queue.domain;

import io.agenttriggers.queue.config.SourceSpec.ParseErrorPolicy;

/**
 * What the adapter does with a message once its handling ended. Only {@link Kind#PUBLISHED} and {@link Kind#ACK}
 * acknowledge at once; {@link Kind#DEAD_LETTER} acknowledges after the dead letter is written; the others leave the
 * message with the broker.
 */
public record Disposition(Kind kind, String reason) {

    public enum Kind {
        /** The trigger event is durable on Kafka: acknowledge. */
        PUBLISHED,
        /** Not an event, and the source says acknowledge anyway (recorded in logs, metrics and recent failures). */
        ACK,
        /** Not an event: write it to the dead-letter address, then acknowledge. */
        DEAD_LETTER,
        /** Not an event, and the source says give it back to the broker. */
        REQUEUE,
        /** Shutdown came before the event was durable: acknowledge nothing. */
        ABANDONED
    }

    public static final Disposition PUBLISHED = new Disposition(Kind.PUBLISHED, null);
    public static final Disposition ABANDONED = new Disposition(Kind.ABANDONED, "shutting down");

    public static Disposition parseFailure(ParseErrorPolicy policy, String reason) {
        return new Disposition(switch (policy) {
            case DEAD_LETTER -> Kind.DEAD_LETTER;
            case ACK -> Kind.ACK;
            case REQUEUE -> Kind.REQUEUE;
        }, reason);
    }

    /** Whether the broker may forget the message once this disposition is carried out. */
    public boolean settles() {
        return kind == Kind.PUBLISHED || kind == Kind.ACK || kind == Kind.DEAD_LETTER;
    }
}
