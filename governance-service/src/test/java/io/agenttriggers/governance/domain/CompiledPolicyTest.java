package io.agenttriggers.governance.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CompiledPolicyTest {

    static CompiledPolicy policy(String name, String tenant, int priority, PolicySpec.Match match) {
        PolicySpec spec = new PolicySpec(name, tenant, null, priority, true, match, "allow", null, null, null, null,
                null, null, null).normalized();
        return new CompiledPolicy(new Policy(UUID.randomUUID().toString(), 1, "api", spec, null, null));
    }

    static TriggerEvent event(String tenant, TriggerType type, String source, String name, String ref) {
        return TriggerEvent.builder(type, source, name, tenant)
                .data(TriggerData.of(JsonNodeFactory.instance.objectNode().put("ref", ref))).build();
    }

    static boolean matches(CompiledPolicy p, TriggerEvent e) {
        return p.match(e, EventCel.activation(e)).matches();
    }

    @Test
    void matchesOnTenantTypeEventNameGlobSourceGlobAndCondition() {
        CompiledPolicy p = policy("gh", null, 0, new PolicySpec.Match(List.of("acme"), List.of("webhook"),
                List.of("github.*"), List.of("/webhooks/*"), "event.payload.ref == 'refs/heads/main'"));
        assertThat(matches(p, event("acme", TriggerType.WEBHOOK, "/webhooks/e1", "github.push", "refs/heads/main")))
                .isTrue();
        assertThat(matches(p, event("other", TriggerType.WEBHOOK, "/webhooks/e1", "github.push", "refs/heads/main")))
                .isFalse();
        assertThat(matches(p, event("acme", TriggerType.API, "/webhooks/e1", "github.push", "refs/heads/main")))
                .isFalse();
        assertThat(matches(p, event("acme", TriggerType.WEBHOOK, "/webhooks/e1", "gitlab.push", "refs/heads/main")))
                .isFalse();
        assertThat(matches(p, event("acme", TriggerType.WEBHOOK, "/api/x", "github.push", "refs/heads/main")))
                .isFalse();
        assertThat(matches(p, event("acme", TriggerType.WEBHOOK, "/webhooks/e1", "github.push", "refs/heads/dev")))
                .isFalse();
    }

    @Test
    void aConditionThatCannotBeEvaluatedDoesNotMatchAndSaysWhy() {
        CompiledPolicy p = policy("c", null, 0, new PolicySpec.Match(null, null, null, null,
                "event.payload.missing.deeper == 1"));
        TriggerEvent e = event("acme", TriggerType.API, "/api/x", "x", "r");
        CompiledPolicy.MatchResult m = p.match(e, EventCel.activation(e));
        assertThat(m.matches()).isFalse();
        assertThat(m.error()).isNotBlank();
    }

    @Test
    void aTenantsPolicyNeverAppliesToAnotherTenant() {
        CompiledPolicy p = policy("own", "acme", 0, null);
        assertThat(matches(p, event("acme", TriggerType.API, "/api/x", "x", "r"))).isTrue();
        assertThat(matches(p, event("globex", TriggerType.API, "/api/x", "x", "r"))).isFalse();
    }

    @Property
    void anEmptyMatchMatchesEveryEvent(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String tenant,
            @ForAll @AlphaChars @StringLength(min = 1, max = 30) String name) {
        assertThat(matches(policy("all", null, 0, null), event(tenant, TriggerType.CRON, "/cron/s", name, "r")))
                .isTrue();
    }

    @Property
    void policiesAreOrderedByPriorityThenNameWhateverTheirStoredOrder(@ForAll List<Integer> priorities) {
        List<CompiledPolicy> policies = new ArrayList<>();
        for (int i = 0; i < priorities.size(); i++) {
            policies.add(policy("p" + (char) ('a' + i % 26) + i, null, priorities.get(i) % 1000, null));
        }
        List<CompiledPolicy> sorted = new ArrayList<>(policies);
        sorted.sort(CompiledPolicy.ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            int before = sorted.get(i - 1).spec().priority();
            int after = sorted.get(i).spec().priority();
            assertThat(before).isGreaterThanOrEqualTo(after);
            if (before == after) {
                assertThat(sorted.get(i - 1).name()).isLessThanOrEqualTo(sorted.get(i).name());
            }
        }
    }

    @Test
    void globsMatchWholeValuesWithStarAndQuestionMark() {
        assertThat(Glob.compile("github.*").matches("github.push")).isTrue();
        assertThat(Glob.compile("github.*").matches("xgithub.push")).isFalse();
        assertThat(Glob.compile("a?c").matches("abc")).isTrue();
        assertThat(Glob.compile("a?c").matches("abbc")).isFalse();
        assertThat(Glob.compile("/webhooks/(x)+").matches("/webhooks/(x)+")).isTrue();
        assertThat(Glob.compile("*").matches("")).isTrue();
    }

    @Test
    void limitsAreCheckedBreakerFirstAndRateLast() {
        PolicySpec spec = new PolicySpec("all", null, null, 0, true, null, "allow",
                new PolicySpec.RateLimit(10L, Duration.ofMinutes(1), 0L, null),
                new PolicySpec.Quota(5L, "Europe/Paris", null), null, Duration.ofMinutes(5),
                new PolicySpec.Concurrency(2, null), new PolicySpec.CircuitBreaker(null, null, null, null, null, null),
                null).normalized();
        CompiledPolicy p = new CompiledPolicy(new Policy("pid", 3, "api", spec, null, null));
        TriggerEvent e = event("acme", TriggerType.API, "/api/x", "x.y", "r");
        CompiledPolicy.Plan plan = new CompiledPolicy.Plan(Duration.ofHours(1));
        p.plan(e, EventCel.activation(e), Instant.parse("2026-03-29T00:30:00Z"), plan);
        assertThat(plan.checks).extracting(CompiledPolicy.Check::kind).containsExactly("cb", "cd", "cc", "qt", "rl");
        assertThat(plan.checks.get(3).key()).isEqualTo(Keys.quota("pid", "2026-03-29", "acme"));
        assertThat(plan.checks.get(2).key()).isEqualTo(Keys.concurrency("pid", "acme/x.y"));
        assertThat(plan.feedback.cc).containsExactly(Keys.concurrency("pid", "acme/x.y"));
    }
}
