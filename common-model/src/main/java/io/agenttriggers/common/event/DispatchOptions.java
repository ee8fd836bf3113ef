package io.agenttriggers.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/**
 * How the dispatcher should run the event. Every field is optional; the dispatcher's defaults apply
 * where one is missing.
 *
 * @param migrationWeight probability (0..1) of taking the agent path rather than the fallback
 * @param fallback        the fallback to use, if any
 * @param maxAttempts     attempts against the runtime before dead-lettering
 * @param timeout         per-attempt timeout
 * @param ordered         {@code true}: runs of the same partition key (tenant + event name) go one at a time, in the
 *                        order their events arrived; otherwise they may run concurrently
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DispatchOptions(Double migrationWeight, Fallback fallback, Integer maxAttempts, Duration timeout,
        Boolean ordered) {

    public static final DispatchOptions DEFAULTS = new DispatchOptions(null, null, null, null, null);

    /** Options without an ordering requirement. */
    public DispatchOptions(Double migrationWeight, Fallback fallback, Integer maxAttempts, Duration timeout) {
        this(migrationWeight, fallback, maxAttempts, timeout, null);
    }

    /** Whether the event asks to run after every earlier event of its partition key. */
    public boolean inOrder() {
        return Boolean.TRUE.equals(ordered);
    }

    public DispatchOptions {
        if (migrationWeight != null && (migrationWeight.isNaN() || migrationWeight < 0 || migrationWeight > 1)) {
            throw new IllegalArgumentException("migrationWeight must be between 0 and 1");
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > 100)) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 100");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }
}
