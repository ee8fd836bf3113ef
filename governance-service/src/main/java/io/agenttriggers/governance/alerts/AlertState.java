package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an alert remembers between outcomes, stored as the alert row's {@code state}: the counters of its episode, a
 * bucket per minute of its window, and the latest run ids. Everything in it is bounded: the buckets by the rule's
 * window (at most a day of minutes), the run ids by {@link #RECENT_RUNS}, a latency histogram by its fixed buckets.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AlertState {

    static final int RECENT_RUNS = 10;

    /** Whether the alert is firing (an episode is open). */
    public boolean firing;
    /** Episodes so far; the current one while firing. */
    public int episode;
    /** Failures in a row, for consecutive-failures rules. */
    public int consecutive;
    /** Runs that counted in the current episode (failures, dead letters). */
    public long count;
    /** The episode's count when it last notified. */
    public long notifiedCount;
    /** Notifications so far, over every episode: the next one's sequence number. */
    public int seq;
    public Instant startedAt;
    public Instant resolvedAt;
    public Instant lastEventAt;
    public Instant lastNotifiedAt;
    /** The latest counted run ids, newest last. */
    public List<String> recentRuns = new ArrayList<>();
    /** The window's buckets by epoch minute. */
    public TreeMap<Long, Bucket> buckets = new TreeMap<>();
    /** What the window said when last evaluated: the failure ratio or the p95 in milliseconds. */
    public Double value;
    public Long runsInWindow;
    /** Budget-share rules: the highest share notified in the current episode. */
    public Double level;

    /** One minute of a window: runs, failures, and a latency histogram ({@link Latency} bucket → runs). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Bucket {
        public long runs;
        public long failed;
        public Map<Integer, Long> latency = new TreeMap<>();
    }

    void remember(String runId) {
        recentRuns.add(runId);
        if (recentRuns.size() > RECENT_RUNS) {
            recentRuns.remove(0);
        }
    }
}
