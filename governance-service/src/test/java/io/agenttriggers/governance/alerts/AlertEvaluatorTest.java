package io.agenttriggers.governance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private int runs;

    private AlertRuleSpec rule(String kind, Double threshold) {
        return new AlertRuleSpec("acme", "r", null, null, kind, null, null, null, null, null, null, threshold, null, null,
                List.of("00000000-0000-0000-0000-000000000001")).normalized();
    }

    private Observation run(RunStatus status, long ms, Instant at) {
        return new Observation("run-" + (++runs), status, ms, at);
    }

    private List<String> kinds(List<AlertEvaluator.Notice> notices) {
        return notices.stream().map(AlertEvaluator.Notice::kind).toList();
    }

    @Test
    void consecutiveFailuresNotifyAtOneThreeFiveThenResolveOnceOnSuccess() {
        AlertRuleSpec rule = rule(AlertRuleSpec.CONSECUTIVE_FAILURES, null);
        AlertState state = new AlertState();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.addAll(kinds(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.FAILED, 5, T0.plusSeconds(i))),
                    T0.plusSeconds(i))));
        }
        assertThat(seen).containsExactly("firing", "repeat", "repeat");
        assertThat(state.consecutive).isEqualTo(6);
        assertThat(state.recentRuns).hasSize(6).endsWith("run-6");
        List<AlertEvaluator.Notice> ok = AlertEvaluator.apply(rule, state,
                List.of(run(RunStatus.SUCCEEDED, 5, T0.plusSeconds(7)), run(RunStatus.SUCCEEDED, 5, T0.plusSeconds(8))),
                T0.plusSeconds(8));
        assertThat(kinds(ok)).containsExactly("resolved");
        assertThat(state.firing).isFalse();
        assertThat(state.seq).isEqualTo(4);
    }

    @Test
    void aRuleOnTheThirdFailureStaysQuietBeforeIt() {
        AlertRuleSpec rule = new AlertRuleSpec("acme", "r", null, null, AlertRuleSpec.CONSECUTIVE_FAILURES, null, null,
                List.of(3), null, null, null, null, null, null, List.of("00000000-0000-0000-0000-000000000001")).normalized();
        AlertState state = new AlertState();
        assertThat(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.FAILED, 1, T0), run(RunStatus.FAILED, 1, T0),
                run(RunStatus.SUCCEEDED, 1, T0), run(RunStatus.FAILED, 1, T0), run(RunStatus.FAILED, 1, T0)), T0))
                .isEmpty();
        assertThat(kinds(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.FAILED, 1, T0)), T0)))
                .containsExactly("firing");
        // Rejections and duplicates never ran: they neither count nor resolve.
        assertThat(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.REJECTED, 0, T0)), T0)).isEmpty();
        assertThat(state.firing).isTrue();
    }

    @Test
    void aFailureRatioFiresWithEnoughRunsRepeatsOnlyAfterTheIntervalAndResolvesAsTheWindowSlides() {
        AlertRuleSpec rule = rule(AlertRuleSpec.FAILURE_RATIO, 0.5);
        AlertState state = new AlertState();
        List<Observation> first = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            first.add(run(RunStatus.FAILED, 10, T0));
        }
        assertThat(AlertEvaluator.apply(rule, state, first, T0)).as("9 runs are below minRuns 10").isEmpty();
        assertThat(kinds(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.SUCCEEDED, 10, T0)), T0)))
                .containsExactly("firing");
        assertThat(state.value).isEqualTo(0.9);
        assertThat(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.FAILED, 10, T0.plusSeconds(60))),
                T0.plusSeconds(60))).as("within the repeat interval").isEmpty();
        assertThat(AlertEvaluator.tick(rule, state, T0.plus(Duration.ofMinutes(3)))).isEmpty();
        List<AlertEvaluator.Notice> later = AlertEvaluator.tick(rule, state, T0.plus(Duration.ofMinutes(7)));
        assertThat(kinds(later)).containsExactly("resolved");
        assertThat(state.buckets).isEmpty();
    }

    @Test
    void latencyP95FiresOverTheThresholdAndNotForASlowFew() {
        AlertRuleSpec rule = rule(AlertRuleSpec.LATENCY_P95, 1000.0);
        AlertState state = new AlertState();
        List<Observation> mostlyFast = new ArrayList<>();
        for (int i = 0; i < 97; i++) {
            mostlyFast.add(run(RunStatus.SUCCEEDED, 50, T0));
        }
        for (int i = 0; i < 3; i++) {
            mostlyFast.add(run(RunStatus.SUCCEEDED, 5000, T0));
        }
        assertThat(AlertEvaluator.apply(rule, state, mostlyFast, T0)).isEmpty();
        assertThat(state.value).isBetween(50.0, 60.0);
        List<Observation> slow = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slow.add(run(RunStatus.SUCCEEDED, 3000, T0));
        }
        assertThat(kinds(AlertEvaluator.apply(rule, state, slow, T0))).containsExactly("firing");
        assertThat(state.value).isBetween(3000.0, 3600.0);
    }

    @Test
    void deadLettersGroupIntoOneEpisodeAndResolveAfterAQuietWindow() {
        AlertRuleSpec rule = rule(AlertRuleSpec.DEAD_LETTERED, null);
        AlertState state = new AlertState();
        List<Observation> storm = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            storm.add(run(RunStatus.DEAD_LETTERED, 10, T0));
        }
        assertThat(kinds(AlertEvaluator.apply(rule, state, storm, T0))).containsExactly("firing");
        assertThat(state.count).isEqualTo(1000);
        assertThat(state.recentRuns).hasSize(AlertState.RECENT_RUNS);
        assertThat(kinds(AlertEvaluator.apply(rule, state, List.of(run(RunStatus.DEAD_LETTERED, 1,
                T0.plus(Duration.ofMinutes(61)))), T0.plus(Duration.ofMinutes(61))))).containsExactly("repeat");
        assertThat(AlertEvaluator.tick(rule, state, T0.plus(Duration.ofMinutes(70)))).isEmpty();
        assertThat(kinds(AlertEvaluator.tick(rule, state, T0.plus(Duration.ofMinutes(77)))))
                .containsExactly("resolved");
    }

    @Test
    void theStateRoundTripsThroughItsStoredJson() {
        AlertState empty = AlertLedger.read("{}");
        assertThat(empty.firing).isFalse();
        AlertRuleSpec rule = rule(AlertRuleSpec.FAILURE_RATIO, 0.5);
        AlertState state = new AlertState();
        List<Observation> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            runs.add(run(RunStatus.FAILED, 30, T0));
        }
        AlertEvaluator.apply(rule, state, runs, T0);
        AlertState back = AlertLedger.read(io.agenttriggers.common.event.EventJson.write(state));
        assertThat(back.firing).isTrue();
        assertThat(back.startedAt).isEqualTo(T0);
        assertThat(back.buckets.firstEntry().getValue().failed).isEqualTo(12);
        assertThat(back.recentRuns).isEqualTo(state.recentRuns);
    }

    @Test
    void aBudgetShareFiresAtTheLowestShareNotifiesOnceMoreAtEachHigherAndResolvesBelowTheLowest() {
        AlertRuleSpec rule = rule(AlertRuleSpec.BUDGET_SHARE, null);
        assertThat(rule.shares()).containsExactly(0.8, 1.0);
        AlertState state = new AlertState();
        List<String> seen = new ArrayList<>();
        double[] readings = {0.5, 0.8, 0.85, 0.85, 1.0, 1.2, 1.0};
        for (int i = 0; i < readings.length; i++) {
            seen.addAll(kinds(AlertEvaluator.apply(rule, state, List.of(Observation.usage(T0.plusSeconds(i),
                    readings[i], "Policy p")), T0.plusSeconds(i))));
        }
        // Every replica reports the same use: a reading seen before moves nothing.
        assertThat(seen).containsExactly("firing", "repeat");
        assertThat(state.level).isEqualTo(1.0);
        assertThat(kinds(AlertEvaluator.apply(rule, state, List.of(Observation.usage(T0.plusSeconds(20), 0, "new day")),
                T0.plusSeconds(20)))).containsExactly("resolved");
        assertThat(kinds(AlertEvaluator.apply(rule, state, List.of(Observation.usage(T0.plusSeconds(21), 0.9, "p")),
                T0.plusSeconds(21)))).containsExactly("firing");
        assertThat(state.episode).isEqualTo(2);
    }
}
