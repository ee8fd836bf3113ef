package io.agenttriggers.queue.domain;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with equal jitter: attempt n waits between half and all of min(max, initial·2ⁿ). */
public final class Backoff {

    private Backoff() {
    }

    /** The ceiling of attempt {@code attempt} (0-based), before jitter. */
    public static Duration ceiling(Duration initial, Duration max, int attempt) {
        long initialMs = Math.max(1, initial.toMillis());
        long maxMs = Math.max(initialMs, max.toMillis());
        int shift = Math.min(Math.max(attempt, 0), 30);
        long ms = initialMs << shift;
        return Duration.ofMillis(ms <= 0 || ms > maxMs ? maxMs : ms);
    }

    public static Duration delay(Duration initial, Duration max, int attempt) {
        long ceiling = ceiling(initial, max, attempt).toMillis();
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
