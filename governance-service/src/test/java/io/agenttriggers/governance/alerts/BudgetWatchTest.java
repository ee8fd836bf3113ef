package io.agenttriggers.governance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.governance.persistence.Budgets;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BudgetWatchTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final UUID RULE = UUID.fromString("00000000-0000-0000-0000-0000000000aa");

    private static AlertRules.Rule rule(String tenant) {
        return AlertRules.Rule.of(RULE, new AlertRuleSpec(tenant, "budget", null, null, AlertRuleSpec.BUDGET_SHARE,
                null, null, null, List.of(0.8, 1.0), null, null, null, null, null,
                List.of("00000000-0000-0000-0000-000000000001")).normalized());
    }

    private static Budgets.Bucket bucket(String name, long used, long limit) {
        return new Budgets.Bucket(name, BigDecimal.valueOf(used), BigDecimal.valueOf(limit - used));
    }

    private static Budgets.Usage usage(String owner, long limit, Budgets.Bucket... buckets) {
        return new Budgets.Usage("p1", "daily", owner, "runs", "2026-12-07", "UTC", BigDecimal.valueOf(limit),
                List.of(buckets));
    }

    @Test
    void bucketsAtTheLowestShareOrAboveAreObservedAndTheRestCostNothing() {
        List<AlertLedger.Pending> pending = BudgetWatch.observations(List.of(rule("acme")),
                List.of(usage("acme", 100, bucket("acme", 79, 100), bucket("acme/order.created", 80, 100))),
                Map.of(), NOW);
        assertThat(pending).extracting(AlertLedger.Pending::groupKey).containsExactly("daily:runs:acme/order.created");
        assertThat(pending.get(0).observation().value()).isEqualTo(0.8);
        assertThat(pending.get(0).observation().detail()).contains("80 of 100 runs used");
    }

    @Test
    void aGlobalPolicysBucketsCountOnlyWithinTheTenantAndNeverThePolicyWideOne() {
        List<AlertLedger.Pending> pending = BudgetWatch.observations(List.of(rule("acme")),
                List.of(usage(null, 10, bucket("acme", 9, 10), bucket("acmex", 10, 10), bucket("other/x", 10, 10),
                        bucket("*", 10, 10)), usage("other", 10, bucket("other", 10, 10))),
                Map.of(), NOW);
        assertThat(pending).extracting(AlertLedger.Pending::groupKey).containsExactly("daily:runs:acme");
    }

    @Test
    void aFiringAlertIsObservedBelowTheShareAndWhenItsBucketIsGoneSoItResolves() {
        List<AlertLedger.Pending> pending = BudgetWatch.observations(List.of(rule("acme")),
                List.of(usage("acme", 100, bucket("acme", 10, 100))),
                Map.of(RULE, Set.of("daily:runs:acme", "daily:runs:acme/yesterday")), NOW);
        assertThat(pending).extracting(AlertLedger.Pending::groupKey)
                .containsExactlyInAnyOrder("daily:runs:acme", "daily:runs:acme/yesterday");
        assertThat(pending).allMatch(p -> p.observation().value() < 0.8);
    }

    @Test
    void aZeroLimitIsExhaustedFromTheStart() {
        assertThat(BudgetWatch.share(BigDecimal.ZERO, BigDecimal.ZERO)).isEqualTo(1);
    }
}
