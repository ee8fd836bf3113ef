package io.agenttriggers.common.event;

import io.agenttriggers.common.messaging.KafkaRefusals;
import io.agenttriggers.common.problem.ProblemException;
import io.cloudevents.CloudEvent;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * How large an event is on Kafka, and the one rule every ingress applies before publishing: an event over
 * {@code triggers.events.max-bytes} (default {@value #DEFAULT_MAX_BYTES}, under Kafka's default 1 MiB
 * {@code max.request.size} and {@code message.max.bytes} with room for the record batch and for the headers governance
 * and the dispatcher add) is refused with 413, because no retry could ever publish it. A 503 is kept for failures
 * that may pass.
 */
public final class EventSize {

    /** The default largest event, in bytes of value and headers together. */
    public static final int DEFAULT_MAX_BYTES = 960 * 1024;
    /** The property every service reads the limit from. */
    public static final String PROPERTY = "triggers.events.max-bytes";

    private EventSize() {
    }

    /** Bytes of the event in binary mode: its data and, per attribute, the {@code ce_} header's name and value. */
    public static long of(CloudEvent event) {
        long size = event.getData() == null ? 0 : event.getData().toBytes().length;
        for (String name : event.getAttributeNames()) {
            Object value = event.getAttribute(name);
            size += 3 + name.length() + (value == null ? 0 : value.toString().length());
        }
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            size += 3 + name.length() + (value == null ? 0 : value.toString().length());
        }
        return size;
    }

    /** A failure for an event over the limit, of the kind Kafka itself reports, so one mapping answers both. */
    public static RecordTooLargeException tooLarge(long size, long max) {
        return new RecordTooLargeException("the event has " + size + " bytes on Kafka; the limit is " + max
                + " (" + PROPERTY + ")");
    }

    /**
     * The answer for a publish that failed: 413 {@code event_too_large} when Kafka can never take the event, else 503
     * {@code not_durable} with {@code Retry-After}.
     */
    public static ProblemException answer(Throwable failure) {
        if (KafkaRefusals.refusedForGood(failure)) {
            return new ProblemException(413, "event_too_large", "Payload too large", "The event cannot be stored: "
                    + failure.getMessage() + ". Nothing was started; a smaller body is needed, a retry cannot pass.");
        }
        return ProblemException.unavailable("not_durable",
                "The event could not be stored; nothing was started. Retry later.", 5);
    }
}
