package io.agenttriggers.common.overload;

import java.time.Duration;

/**
 * One consumer group's backlog on one topic, from periodic samples of its committed offsets and the topic's end
 * offsets (summed over partitions): how many records it is behind, how fast it has been consuming over the last
 * {@link #WINDOW} samples, and so how long it needs to catch up. A consumer that made no progress over the window
 * (down, or stuck) has no estimate: refusing deliveries would not bring it back, and accepting them costs little.
 */
public final class Backlog {

    /** Samples the consumption rate is measured over. */
    static final int WINDOW = 5;

    private final long[] committed = new long[WINDOW];
    private final long[] times = new long[WINDOW];
    private int samples;
    private long lag;

    /** Records a sample taken at {@code nanos}: the group's committed offsets and the topic's end offsets, summed. */
    public synchronized void sample(long nanos, long committedSum, long endSum) {
        int slot = samples % WINDOW;
        committed[slot] = committedSum;
        times[slot] = nanos;
        samples++;
        lag = Math.max(0, endSum - committedSum);
    }

    public synchronized long lag() {
        return lag;
    }

    /** Records consumed per second over the window, or 0 before two samples. */
    public synchronized double rate() {
        if (samples < 2) {
            return 0;
        }
        int newest = (samples - 1) % WINDOW;
        int oldest = samples >= WINDOW ? samples % WINDOW : 0;
        double seconds = (times[newest] - times[oldest]) / 1e9;
        long consumed = committed[newest] - committed[oldest];
        return seconds <= 0 || consumed <= 0 ? 0 : consumed / seconds;
    }

    /** The time this consumer needs to catch up at its recent rate; empty when it made no progress to go by. */
    public synchronized java.util.Optional<Duration> catchUp() {
        double rate = rate();
        if (rate <= 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Duration.ofMillis((long) Math.ceil(lag * 1000 / rate)));
    }
}
