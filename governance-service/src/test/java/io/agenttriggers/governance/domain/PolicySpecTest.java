package io.agenttriggers.governance.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySpecTest {

    static final String EXAMPLE = """
            {"name":"github-limits","priority":50,"match":{"tenants":["acme"],"triggerTypes":["webhook"],
            "eventNames":["github.*"],"sources":["/webhooks/*"],"condition":"event.payload.ref == 'refs/heads/main'"},
            "action":"allow","rateLimit":{"limit":100,"period":"PT1M","burst":10,"key":"eventName"},
            "quota":{"maxRunsPerDay":1000,"timezone":"UTC"},"cooldown":"PT5M","onUnavailable":"fail-closed"}""";

    @Test
    void theIssuesExampleIsAValidPolicyWithDefaultsFilledIn() throws Exception {
        PolicySpec spec = EventJson.MAPPER.readValue(EXAMPLE, PolicySpec.class).normalized();
        assertThat(spec.problems()).isEmpty();
        assertThat(spec.rateLimit().burst()).isEqualTo(10);
        assertThat(spec.quota().key()).isEqualTo("tenant");
        assertThat(spec.cooldown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.isEnabled()).isTrue();
        assertThat(spec.stateful()).isTrue();
        PolicySpec roundTrip = EventJson.MAPPER.readValue(EventJson.MAPPER.writeValueAsString(spec), PolicySpec.class);
        assertThat(roundTrip).isEqualTo(spec);
    }

    @Test
    void anEmptyPolicyAllowsEverythingAndNeedsOnlyAName() {
        PolicySpec spec = new PolicySpec("open", null, null, null, null, null, null, null, null, null, null, null,
                null, null).normalized();
        assertThat(spec.problems()).isEmpty();
        assertThat(spec.action()).isEqualTo("allow");
        assertThat(spec.onUnavailable()).isEqualTo("fail-closed");
        assertThat(spec.stateful()).isFalse();
    }

    @Test
    void everyInvalidFieldIsNamed() {
        PolicySpec spec = new PolicySpec("bad name!", "acme", null, null, null,
                new PolicySpec.Match(List.of("other"), List.of("carrier-pigeon"), null, null, "event.payload.("),
                "maybe", new PolicySpec.RateLimit(0L, Duration.ZERO, -1L, "event.("),
                new PolicySpec.Quota(-1L, "Mars/Olympus", null), null, Duration.ofDays(30),
                new PolicySpec.Concurrency(0, null),
                new PolicySpec.CircuitBreaker(null, 0, 1.5, null, 0, null), "sometimes").normalized();
        assertThat(spec.problems()).extracting(FieldError::field).contains("name", "action", "onUnavailable",
                "match.tenants", "match.triggerTypes", "match.condition", "rateLimit.limit", "rateLimit.period",
                "rateLimit.burst", "rateLimit.key", "quota.maxRunsPerDay", "quota.timezone", "cooldown",
                "concurrency.max", "circuitBreaker.minimumRuns", "circuitBreaker.failureRatio",
                "circuitBreaker.halfOpenProbes");
    }
}
