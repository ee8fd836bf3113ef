package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.run.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a rule over runs that already finished, oldest first, with the same evaluation the live alerts use, and
 * says what it would have sent. Time passes in steps of a minute between runs (windows slide, dead letters go quiet),
 * as the live ticker moves firing alerts. Bounded: at most {@link #MAX_ALERTS} group keys (the rest fold into
 * {@code (other)}), {@link #MAX_LISTED} notifications listed (all counted), and a budget of window-bucket reads after
 * which the replay stops early and says so.
 */
public final class AlertDryRun {

    static final int MAX_ALERTS = 100;
    static final int MAX_LISTED = 200;
    static final long WORK_BUDGET = 20_000_000;
    private static final Duration STEP = Duration.ofMinutes(1);

    /** One notification the rule would have sent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sent(String type, Instant at, String groupKey, int episode, long count, String summary,
            List<String> runIds) {
    }

    /** What the replay found; {@code stoppedAt} is set when the work budget ran out before {@code to}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(Instant from, Instant to, int runsRead, int runsCounted, boolean runsTruncated, int alerts,
            int notifications, List<Sent> sent, Instant stoppedAt) {
    }

    private final AlertRules.Rule rule;
    private final Map<String, AlertState> alerts = new LinkedHashMap<>();
    private final List<Sent> sent = new ArrayList<>();
    private int notifications;
    private long work;

    private AlertDryRun(AlertRules.Rule rule) {
        this.rule = rule;
    }

    /** Replays {@code runs} (oldest first) finished in [{@code from}, {@code to}). */
    static Result replay(AlertRules.Rule rule, List<RunOutcome> runs, int read, boolean truncated, Instant from,
            Instant to) {
        AlertDryRun dry = new AlertDryRun(rule);
        Instant clock = from;
        int counted = 0;
        for (RunOutcome o : runs) {
            Instant at = o.finishedAt().toInstant();
            if (at.isBefore(from) || !at.isBefore(to) || !rule.matches(o)) {
                continue;
            }
            clock = dry.passTime(clock, at);
            if (dry.work > WORK_BUDGET) {
                return dry.result(from, to, read, counted, truncated, clock);
            }
            counted++;
            String key = rule.groupKey(o);
            if (!dry.alerts.containsKey(key) && dry.alerts.size() >= MAX_ALERTS) {
                key = AlertLedger.OTHER;
            }
            AlertState state = dry.alerts.computeIfAbsent(key, k -> new AlertState());
            long ms = rule.latencyMs(o);
            List<AlertEvaluator.Notice> notices = AlertEvaluator.apply(rule.spec(), state,
                    List.of(new Observation(o.runId(), o.status(), ms, at)), at);
            dry.work += state.buckets.size() + 1;
            dry.record(key, state, notices, at);
        }
        clock = dry.passTime(clock, to);
        return dry.result(from, to, read, counted, truncated, dry.work > WORK_BUDGET ? clock : null);
    }

    /** Moves the firing time-dependent alerts from {@code clock} to {@code until}, a minute at a time. */
    private Instant passTime(Instant clock, Instant until) {
        if (!AlertEvaluator.dependsOnTime(rule.spec())) {
            return until;
        }
        Instant t = clock.plus(STEP);
        while (!t.isAfter(until) && work <= WORK_BUDGET) {
            boolean anyFiring = false;
            for (Map.Entry<String, AlertState> e : alerts.entrySet()) {
                AlertState state = e.getValue();
                if (state.firing) {
                    anyFiring = true;
                    work += state.buckets.size() + 1;
                    record(e.getKey(), state, AlertEvaluator.tick(rule.spec(), state, t), t);
                }
            }
            if (!anyFiring) {
                return until;
            }
            clock = t;
            t = t.plus(STEP);
        }
        return work > WORK_BUDGET ? clock : until;
    }

    private void record(String key, AlertState state, List<AlertEvaluator.Notice> notices, Instant at) {
        for (AlertEvaluator.Notice n : notices) {
            notifications++;
            if (sent.size() < MAX_LISTED) {
                sent.add(new Sent("alert." + n.kind(), at, key, state.episode, state.count, n.summary(),
                        List.copyOf(state.recentRuns)));
            }
        }
    }

    private Result result(Instant from, Instant to, int read, int counted, boolean truncated, Instant stoppedAt) {
        return new Result(from, to, read, counted, truncated, alerts.size(), notifications, List.copyOf(sent),
                stoppedAt);
    }
}
