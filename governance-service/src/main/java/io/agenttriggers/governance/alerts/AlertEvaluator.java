package io.agenttriggers.governance.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Moves an alert's state with a rule's new observations, or with the passing of time alone ({@link #tick}), and says
 * what to notify. Pure and incremental: it reads only the alert's own state, never the ledger, so evaluating costs
 * the same at any rate of runs.
 *
 * <p>An episode opens when the rule's condition first holds ({@code firing}), notifies again while it lasts when
 * there is news and the repeat interval has passed (or at each configured count, for consecutive failures), and ends
 * with one {@code resolved} notice.
 */
final class AlertEvaluator {

    /** Something to notify: what happened, a sentence for people, and its sequence number within the alert. */
    record Notice(String kind, String summary, int seq) {
    }

    private AlertEvaluator() {
    }

    static List<Notice> apply(AlertRuleSpec rule, AlertState state, List<Observation> observations, Instant now) {
        List<Notice> notices = new ArrayList<>();
        switch (rule.kind()) {
            case AlertRuleSpec.CONSECUTIVE_FAILURES -> observations.forEach(o -> consecutive(rule, state, o, notices));
            case AlertRuleSpec.CIRCUIT_OPEN -> observations.forEach(o -> circuit(state, o, notices));
            case AlertRuleSpec.RUNTIME_PAUSED -> observations.forEach(o -> paused(state, o, notices));
            case AlertRuleSpec.BUDGET_SHARE -> observations.forEach(o -> share(rule, state, o, notices));
            case AlertRuleSpec.CRON_MISFIRE -> {
                observations.forEach(o -> misfired(rule, state, o, notices));
                quiet(rule, state, now, notices, "No misfire for " + rule.window());
            }
            case AlertRuleSpec.VERIFICATION_FAILURES -> {
                observations.forEach(o -> tally(state, o));
                spike(rule, state, now, notices, !observations.isEmpty());
            }
            case AlertRuleSpec.DEAD_LETTERED -> {
                observations.forEach(o -> deadLettered(rule, state, o, now, notices));
                quiet(rule, state, now, notices, "No run dead-lettered for " + rule.window());
            }
            default -> {
                observations.forEach(o -> record(state, o));
                windowed(rule, state, now, notices, observations.stream().anyMatch(Observation::failed));
            }
        }
        return notices;
    }

    /** Time passing: windows slide, dead letters go quiet. */
    static List<Notice> tick(AlertRuleSpec rule, AlertState state, Instant now) {
        return dependsOnTime(rule) ? apply(rule, state, List.of(), now) : List.of();
    }

    /** Whether time alone can move the rule's alerts (windows, quiet periods). */
    static boolean dependsOnTime(AlertRuleSpec rule) {
        return !AlertRuleSpec.CONSECUTIVE_FAILURES.equals(rule.kind()) && !AlertRuleSpec.CIRCUIT_OPEN.equals(rule.kind())
                && !AlertRuleSpec.RUNTIME_PAUSED.equals(rule.kind()) && !AlertRuleSpec.BUDGET_SHARE.equals(rule.kind());
    }

    /**
     * A quota's or budget's use: fires at the lowest share reached, notifies once more at each higher share, and
     * resolves when the use falls below the lowest (a new day, a raised limit). The same reading twice moves nothing,
     * so every replica may report it.
     */
    private static void share(AlertRuleSpec rule, AlertState state, Observation o, List<Notice> notices) {
        state.lastEventAt = o.finishedAt();
        state.value = o.value();
        double reached = 0;
        for (double s : rule.shares()) {
            if (o.value() >= s) {
                reached = s;
            }
        }
        String what = o.detail() + String.format(" (%.0f %%)", 100 * o.value());
        if (reached == 0) {
            if (state.firing) {
                state.level = null;
                resolve(state, o.finishedAt(), notices, "Below " + percent(rule.shares().get(0)) + " again: " + what);
            }
            return;
        }
        if (!state.firing) {
            open(state, o.finishedAt());
            state.level = reached;
            notify(state, o.finishedAt(), notices, "firing", percent(reached) + " reached: " + what);
        } else if (state.level == null || reached > state.level) {
            state.level = reached;
            notify(state, o.finishedAt(), notices, "repeat", percent(reached) + " reached: " + what);
        }
    }

    private static String percent(double share) {
        return String.format("%.0f %%", 100 * share);
    }

    private static void paused(AlertState state, Observation o, List<Notice> notices) {
        state.lastEventAt = o.finishedAt();
        if ("open".equals(o.circuit()) && !state.firing) {
            open(state, o.finishedAt());
            state.count = 1;
            notify(state, o.finishedAt(), notices, "firing", "The agent runtime's breaker paused the dispatcher ("
                    + o.detail() + "): runs wait, none is lost");
        } else if ("closed".equals(o.circuit()) && state.firing) {
            resolve(state, o.finishedAt(), notices, "The dispatcher resumed: " + o.detail());
        }
    }

    private static void misfired(AlertRuleSpec rule, AlertState state, Observation o, List<Notice> notices) {
        state.lastEventAt = o.finishedAt();
        if (!state.firing) {
            open(state, o.finishedAt());
            state.count = o.count();
            notify(state, o.finishedAt(), notices, "firing", "The schedule " + o.detail());
            return;
        }
        state.count += o.count();
        if (due(rule, state, o.finishedAt())) {
            notify(state, o.finishedAt(), notices, "repeat", state.count + " misfire(s) in this episode; last: "
                    + o.detail());
        }
    }

    private static void tally(AlertState state, Observation o) {
        AlertState.Bucket bucket = state.buckets.computeIfAbsent(o.finishedAt().getEpochSecond() / 60,
                m -> new AlertState.Bucket());
        bucket.runs += o.count();
        bucket.failed += o.count();
        if (state.firing) {
            state.count += o.count();
        }
    }

    /** Verification failures: their count over the window against the threshold. */
    private static void spike(AlertRuleSpec rule, AlertState state, Instant now, List<Notice> notices, boolean news) {
        long oldest = now.minus(rule.window()).getEpochSecond() / 60;
        state.buckets.headMap(oldest, false).clear();
        long failures = state.buckets.values().stream().mapToLong(b -> b.failed).sum();
        state.value = (double) failures;
        state.runsInWindow = failures;
        boolean holds = failures >= rule.threshold();
        String what = failures + " deliveries refused for their credentials in the last " + rule.window()
                + " (someone probing the endpoint, or a secret rotation gone wrong)";
        if (holds && !state.firing) {
            open(state, now);
            state.count = failures;
            notify(state, now, notices, "firing", what);
        } else if (holds && news && due(rule, state, now)) {
            notify(state, now, notices, "repeat", what);
        } else if (!holds && state.firing) {
            resolve(state, now, notices, "Below " + rule.threshold().longValue() + ": " + what);
        }
    }

    private static void circuit(AlertState state, Observation o, List<Notice> notices) {
        if (o.circuit() == null) {
            return;
        }
        state.lastEventAt = o.finishedAt();
        if ("open".equals(o.circuit())) {
            state.remember(o.runId());
            if (!state.firing) {
                open(state, o.finishedAt());
                state.count = 1;
                notify(state, o.finishedAt(), notices, "firing", "The circuit breaker opened (run " + o.runId()
                        + " tipped it): the events it guards are rejected as circuit_open until it closes");
            } else {
                state.count++;
            }
        } else if ("closed".equals(o.circuit()) && state.firing) {
            resolve(state, o.finishedAt(), notices, "The circuit breaker closed again");
        }
    }

    private static void consecutive(AlertRuleSpec rule, AlertState state, Observation o, List<Notice> notices) {
        if (o.succeeded()) {
            state.consecutive = 0;
            if (state.firing) {
                resolve(state, o.finishedAt(), notices, "Runs succeed again after " + state.count + " failure(s) in a "
                        + "row (run " + o.runId() + ")");
            }
            return;
        }
        if (!o.failed()) {
            return;
        }
        if (state.consecutive == 0) {
            // A new streak: the run ids a notification lists are this streak's, not an earlier broken one's.
            state.recentRuns.clear();
        }
        state.consecutive++;
        state.lastEventAt = o.finishedAt();
        state.remember(o.runId());
        List<Integer> at = rule.notifyAt();
        if (!state.firing) {
            if (state.consecutive >= at.get(0)) {
                open(state, o.finishedAt());
                state.count = state.consecutive;
                notify(state, o.finishedAt(), notices, "firing", state.consecutive + " failure(s) in a row");
            }
            return;
        }
        state.count = state.consecutive;
        int last = at.get(at.size() - 1);
        if (at.contains(state.consecutive)
                || (state.consecutive > last && due(rule, state, o.finishedAt()))) {
            notify(state, o.finishedAt(), notices, "repeat", state.consecutive + " failures in a row");
        }
    }

    private static void deadLettered(AlertRuleSpec rule, AlertState state, Observation o, Instant now,
            List<Notice> notices) {
        if (o.status() != io.agenttriggers.common.run.RunStatus.DEAD_LETTERED) {
            return;
        }
        state.lastEventAt = o.finishedAt();
        state.remember(o.runId());
        if (!state.firing) {
            open(state, o.finishedAt());
            state.count = 1;
            notify(state, o.finishedAt(), notices, "firing", "A run was dead-lettered (run " + o.runId() + ")");
            return;
        }
        state.count++;
        if (due(rule, state, o.finishedAt())) {
            notify(state, o.finishedAt(), notices, "repeat", state.count + " runs dead-lettered in this episode");
        }
    }

    private static void quiet(AlertRuleSpec rule, AlertState state, Instant now, List<Notice> notices, String what) {
        if (state.firing && state.lastEventAt != null && !state.lastEventAt.plus(rule.window()).isAfter(now)) {
            resolve(state, now, notices, what + " (" + state.count + " in the episode)");
        }
    }

    private static void record(AlertState state, Observation o) {
        if (!o.ran()) {
            return;
        }
        AlertState.Bucket bucket = state.buckets.computeIfAbsent(o.finishedAt().getEpochSecond() / 60,
                m -> new AlertState.Bucket());
        bucket.runs++;
        if (o.failed()) {
            bucket.failed++;
            state.remember(o.runId());
        }
        bucket.latency.merge(Latency.bucket(o.durationMs()), 1L, Long::sum);
        if (state.firing && o.failed()) {
            state.count++;
        }
    }

    private static void windowed(AlertRuleSpec rule, AlertState state, Instant now, List<Notice> notices,
            boolean news) {
        long oldest = now.minus(rule.window()).getEpochSecond() / 60;
        state.buckets.headMap(oldest, false).clear();
        while (state.buckets.size() > AlertRuleSpec.MAX_BUCKETS) {
            state.buckets.pollFirstEntry();
        }
        long runs = 0;
        long failed = 0;
        Map<Integer, Long> latency = new TreeMap<>();
        for (AlertState.Bucket b : state.buckets.values()) {
            runs += b.runs;
            failed += b.failed;
            b.latency.forEach((k, v) -> latency.merge(k, v, Long::sum));
        }
        boolean ratio = AlertRuleSpec.FAILURE_RATIO.equals(rule.kind());
        Double value = runs == 0 ? null : ratio ? (double) failed / runs : Latency.quantile(latency, runs, 0.95);
        state.value = value;
        state.runsInWindow = runs;
        boolean holds = runs >= rule.minRuns() && value != null && value >= rule.threshold();
        String what = ratio ? String.format("%.0f %% of %d runs failed in the last %s", 100 * safe(value), runs,
                rule.window()) : String.format("p95 latency %.0f ms over %d runs in the last %s", safe(value), runs,
                rule.window());
        if (holds && !state.firing) {
            open(state, now);
            state.count = failed;
            notify(state, now, notices, "firing", what);
        } else if (holds && (news || !ratio) && due(rule, state, now)) {
            notify(state, now, notices, "repeat", what);
        } else if (!holds && state.firing) {
            resolve(state, now, notices, runs < rule.minRuns() ? "Fewer than " + rule.minRuns() + " runs in the last "
                    + rule.window() + "; " + what : what);
        }
    }

    private static double safe(Double value) {
        return value == null ? 0 : value;
    }

    private static boolean due(AlertRuleSpec rule, AlertState state, Instant at) {
        return state.lastNotifiedAt == null || !state.lastNotifiedAt.plus(rule.repeatInterval()).isAfter(at);
    }

    private static void open(AlertState state, Instant at) {
        state.firing = true;
        state.episode++;
        state.startedAt = at;
        state.resolvedAt = null;
        state.count = 0;
        state.notifiedCount = 0;
    }

    private static void resolve(AlertState state, Instant at, List<Notice> notices, String summary) {
        state.firing = false;
        state.resolvedAt = at;
        state.consecutive = 0;
        notify(state, at, notices, "resolved", summary);
    }

    private static void notify(AlertState state, Instant at, List<Notice> notices, String kind, String summary) {
        state.lastNotifiedAt = at;
        state.notifiedCount = state.count;
        state.seq++;
        notices.add(new Notice(kind, summary, state.seq));
    }
}
