package io.agenttriggers.governance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertDryRunTest {

    private static final Instant FROM = Instant.parse("2026-12-07T06:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofHours(6));
    private int n;

    private RunOutcome run(String eventName, RunStatus status, Instant at, String source) {
        return new RunOutcome("run-" + (++n), "acme", eventName, "webhook", status, null, null, null, null, null, 0,
                1, Duration.ofMillis(40), null, null, at.atOffset(ZoneOffset.UTC), source, null);
    }

    private static AlertRules.Rule rule(String kind, AlertRuleSpec.Scope scope, List<Integer> notifyAt, String groupBy) {
        return AlertRules.Rule.of(null, new AlertRuleSpec("acme", "dry", null, null, kind, scope, groupBy, notifyAt,
                null, null, kind.equals(AlertRuleSpec.FAILURE_RATIO) ? 4 : null, null, null, null, List.of()).normalized());
    }

    private static List<String> types(AlertDryRun.Result r) {
        return r.sent().stream().map(AlertDryRun.Sent::type).toList();
    }

    @Test
    void threeFailuresInARowFireOnceWithTheirRunIdsAndTheNextSuccessResolves() {
        List<RunOutcome> runs = new ArrayList<>();
        Instant t = FROM.plusSeconds(60);
        runs.add(run("order.created", RunStatus.FAILED, t, "/orders"));
        runs.add(run("order.created", RunStatus.FAILED, t.plusSeconds(1), "/orders"));
        runs.add(run("order.created", RunStatus.SUCCEEDED, t.plusSeconds(2), "/orders"));
        for (int i = 3; i < 7; i++) {
            runs.add(run("order.created", RunStatus.FAILED, t.plusSeconds(i), "/orders"));
        }
        runs.add(run("order.created", RunStatus.SUCCEEDED, t.plusSeconds(8), "/orders"));
        runs.add(run("order.created", RunStatus.FAILED, TO.plusSeconds(1), "/orders")); // after the range

        AlertDryRun.Result r = AlertDryRun.replay(rule(AlertRuleSpec.CONSECUTIVE_FAILURES, null, List.of(3), null),
                runs, runs.size(), false, FROM, TO);

        assertThat(types(r)).containsExactly("alert.firing", "alert.resolved");
        AlertDryRun.Sent firing = r.sent().get(0);
        assertThat(firing.count()).isEqualTo(3);
        assertThat(firing.runIds()).containsExactly("run-4", "run-5", "run-6");
        assertThat(firing.at()).isEqualTo(t.plusSeconds(5));
        assertThat(firing.groupKey()).isEqualTo("order.created");
        assertThat(r.runsCounted()).isEqualTo(8);
        assertThat(r.notifications()).isEqualTo(2);
        assertThat(r.stoppedAt()).isNull();
    }

    @Test
    void aFailureRatioResolvesAsTimePassesWithoutFurtherRuns() {
        List<RunOutcome> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(run("invoice.paid", RunStatus.FAILED, FROM.plusSeconds(600 + i), "/billing"));
        }
        AlertDryRun.Result r = AlertDryRun.replay(rule(AlertRuleSpec.FAILURE_RATIO, null, null, null), runs, 4, false,
                FROM, TO);
        assertThat(types(r)).containsExactly("alert.firing", "alert.resolved");
        // The five-minute window empties between 5 and 6 minutes after the failures; time passes a minute at a time.
        Duration quiet = Duration.between(r.sent().get(0).at(), r.sent().get(1).at());
        assertThat(quiet).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(7));
    }

    @Test
    void theScopeBySourceKeepsOtherSourcesOutAndGroupingBySourceSplitsAlerts() {
        List<RunOutcome> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(run("e", RunStatus.FAILED, FROM.plusSeconds(100 + i), "/webhooks/a"));
            runs.add(run("e", RunStatus.FAILED, FROM.plusSeconds(200 + i), "/webhooks/b"));
            runs.add(run("e", RunStatus.FAILED, FROM.plusSeconds(300 + i), "/cron/x"));
        }
        AlertDryRun.Result scoped = AlertDryRun.replay(rule(AlertRuleSpec.CONSECUTIVE_FAILURES,
                new AlertRuleSpec.Scope(null, null, "/webhooks/*", null), List.of(1), "source"), runs, runs.size(),
                false, FROM, TO);
        assertThat(scoped.runsCounted()).isEqualTo(6);
        assertThat(scoped.alerts()).isEqualTo(2);
        assertThat(scoped.sent()).extracting(AlertDryRun.Sent::groupKey).containsOnly("/webhooks/a", "/webhooks/b");
    }

    @Test
    void endlessGroupKeysFoldIntoOtherAndTheListIsBoundedWhileEveryNotificationCounts() {
        List<RunOutcome> runs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            runs.add(run("e" + i, RunStatus.FAILED, FROM.plusSeconds(i), null));
        }
        AlertDryRun.Result r = AlertDryRun.replay(rule(AlertRuleSpec.CONSECUTIVE_FAILURES, null, List.of(1), null),
                runs, runs.size(), false, FROM, TO);
        assertThat(r.alerts()).isEqualTo(AlertDryRun.MAX_ALERTS + 1);
        assertThat(r.notifications()).isEqualTo(AlertDryRun.MAX_ALERTS + 1);
        assertThat(r.sent()).hasSize(AlertDryRun.MAX_ALERTS + 1);
        assertThat(r.sent()).extracting(AlertDryRun.Sent::groupKey).contains(AlertLedger.OTHER);
    }
}
