package io.agenttriggers.governance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertLatencyTest {

    private static AlertRules.Rule rule(String latency) {
        return AlertRules.Rule.of(null, new AlertRuleSpec("acme", "slow", null, null, AlertRuleSpec.LATENCY_P95, null,
                null, null, null, null, null, 500.0, latency, null, List.of()).normalized());
    }

    private static RunOutcome outcome(String runId, OffsetDateTime finishedAt) {
        return new RunOutcome(runId, "acme", "job.run", "webhook", RunStatus.SUCCEEDED, null, "agent", null, null,
                null, 1, 1, Duration.ofMillis(200), null, null, finishedAt);
    }

    @Test
    void runtimeLatencyIsTheDispatchersAndEndToEndCountsFromTheRunIdsMillisecond() {
        String runId = RunIds.next();
        OffsetDateTime finished = RunIds.timeOf(runId).plusMillis(3_000).atOffset(ZoneOffset.UTC);
        assertThat(rule(null).spec().latency()).isEqualTo("runtime");
        assertThat(rule(null).latencyMs(outcome(runId, finished))).isEqualTo(200);
        assertThat(rule("end-to-end").latencyMs(outcome(runId, finished))).isEqualTo(3_000);
        // A run id that is not ours carries no time: the dispatcher's measure stands.
        assertThat(rule("end-to-end").latencyMs(outcome("external-42", finished))).isEqualTo(200);
    }

    @Test
    void latencyIsForLatencyRulesAndOneOfTwoMeasures() {
        AlertRuleSpec wrongKind = new AlertRuleSpec("acme", "x", null, null, AlertRuleSpec.FAILURE_RATIO, null, null,
                null, null, null, null, null, "end-to-end", null, List.of("00000000-0000-0000-0000-000000000001"));
        assertThat(wrongKind.problems()).extracting(e -> e.field()).containsExactly("latency");
        AlertRuleSpec unknown = new AlertRuleSpec("acme", "x", null, null, AlertRuleSpec.LATENCY_P95, null, null,
                null, null, null, null, 500.0, "wall", null, List.of("00000000-0000-0000-0000-000000000001"));
        assertThat(unknown.problems()).extracting(e -> e.field()).containsExactly("latency");
    }
}
