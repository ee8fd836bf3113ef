package io.agenttriggers.common.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a log line for a key at most once per interval, so a sender repeating a bad request cannot flood the log.
 * Callers key it by something bounded (a known endpoint or policy id), never by what a sender chose.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

    public LogThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    public void run(String key, Runnable log) {
        long now = System.nanoTime();
        Long previous = last.get(key);
        if (previous != null && now - previous < intervalNanos) {
            return;
        }
        if (previous == null ? last.putIfAbsent(key, now) == null : last.replace(key, previous, now)) {
            log.run();
        }
    }
}
