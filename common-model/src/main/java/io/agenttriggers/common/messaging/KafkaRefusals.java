package io.agenttriggers.common.messaging;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Which Kafka send failures are for good: the record is too large or cannot be serialized, so a retry would fail the
 * same way forever and stall whatever waits on it. Everything else (timeouts, a broker away) may pass and is retried.
 */
public final class KafkaRefusals {

    private KafkaRefusals() {
    }

    public static boolean refusedForGood(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e instanceof RecordTooLargeException
                || e instanceof RecordBatchTooLargeException
                || e instanceof SerializationException
                || e instanceof InvalidRecordException;
    }
}
