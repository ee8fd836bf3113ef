package io.agenttriggers.governance.alerts;

import java.util.Map;

/**
 * A log-linear latency histogram: four buckets per power of two of milliseconds, so a percentile is known within
 * about 19 % with at most 100 buckets however many runs a window holds.
 */
final class Latency {

    static final int MAX_BUCKET = 99;

    private Latency() {
    }

    /** The bucket of a duration in milliseconds. */
    static int bucket(long ms) {
        if (ms <= 1) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(ms) / Math.log(2) * 4);
        return Math.min(b, MAX_BUCKET);
    }

    /** The upper bound of a bucket, in milliseconds. */
    static double upper(int bucket) {
        return Math.pow(2, bucket / 4.0);
    }

    /** The {@code q} quantile (0–1) of the merged histograms, as a bucket's upper bound; null when empty. */
    static Double quantile(Map<Integer, Long> histogram, long total, double q) {
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (Map.Entry<Integer, Long> e : histogram.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return upper(e.getKey());
            }
        }
        return upper(MAX_BUCKET);
    }
}
