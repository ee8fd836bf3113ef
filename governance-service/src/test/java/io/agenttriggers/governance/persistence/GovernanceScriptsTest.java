package io.agenttriggers.governance.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.governance.domain.CompiledPolicy;
import io.agenttriggers.governance.domain.CompiledPolicy.Plan;
import io.agenttriggers.governance.domain.EventCel;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.agenttriggers.governance.persistence.GovernanceState.Answer;
import io.agenttriggers.governance.persistence.GovernanceState.Transition;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The two Lua scripts that hold every limit, run on the real local Redis with an explicit clock (ARGV now), so the
 * properties are exact: the rate limiter behaves like a token bucket of {@code limit + burst} refilled at
 * {@code limit} per period, a rejected event consumes nothing, a redelivered event is never counted twice, and
 * outcomes release slots, fill budgets, stamp cooldowns and drive the breaker through its states.
 */
class GovernanceScriptsTest {

    static Vertx vertx;
    static Redis client;
    static RedisAPI redis;
    static final long MEMORY = Duration.ofHours(1).toMillis();
    static final long T0 = 1_800_000_000_000L;

    @BeforeContainer
    static void connect() {
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, System.getProperty("redis.url", "redis://127.0.0.1:6379"));
        redis = RedisAPI.api(client);
    }

    @AfterContainer
    static void close() {
        client.close();
        vertx.closeAndAwait();
    }

    static Policy policy(PolicySpec spec) {
        return new Policy(UUID.randomUUID().toString(), 1, "api", spec, null, null);
    }

    static PolicySpec spec(PolicySpec.RateLimit rate, PolicySpec.Quota quota, PolicySpec.Budget budget,
            Duration cooldown, PolicySpec.Concurrency concurrency, PolicySpec.CircuitBreaker breaker) {
        return new PolicySpec("p", "t", null, 0, true, null, "allow", rate, quota, budget, cooldown, concurrency,
                breaker, null).normalized();
    }

    static TriggerEvent event() {
        return TriggerEvent.builder(TriggerType.API, "/api/x", "x.happened", "t")
                .data(TriggerData.of(JsonNodeFactory.instance.objectNode())).build();
    }

    static Answer decide(List<CompiledPolicy> policies, TriggerEvent event, long now, boolean commit) {
        Plan plan = new Plan(Duration.ofHours(1));
        for (CompiledPolicy p : policies) {
            p.plan(event, EventCel.activation(event), Instant.ofEpochMilli(now), plan);
        }
        List<String> args = new ArrayList<>();
        args.add(GovernanceState.DECIDE);
        args.addAll(GovernanceState.decideArgs(event.id(), plan, commit, now, MEMORY, MEMORY));
        return GovernanceState.answer(redis.evalAndAwait(args));
    }

    static List<Transition> feedback(TriggerEvent event, String outcome, double cost, long now) {
        List<String> args = new ArrayList<>();
        args.add(GovernanceState.FEEDBACK);
        args.addAll(GovernanceState.feedbackArgs(event.id(), outcome, cost, now, MEMORY));
        return GovernanceState.transitions(redis.evalAndAwait(args));
    }

    /** A reference token bucket, kept apart from the GCRA arithmetic the script uses. */
    static final class TokenBucket {
        final double capacity;
        final double intervalMs;
        double tokens;
        long last;

        TokenBucket(long capacity, double intervalMs, long start) {
            this.capacity = capacity;
            this.intervalMs = intervalMs;
            this.tokens = capacity;
            this.last = start;
        }

        boolean take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) / intervalMs);
            last = now;
            if (tokens >= 1 - 1e-9) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    @Property(tries = 100)
    void theRateLimitIsATokenBucketOfLimitPlusBurst(@ForAll @IntRange(min = 1, max = 20) int limit,
            @ForAll @IntRange(min = 0, max = 5) int burst, @ForAll @IntRange(min = 1, max = 500) int intervalMs,
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 1500) Integer> gapsInPermille) {
        CompiledPolicy p = new CompiledPolicy(policy(spec(new PolicySpec.RateLimit((long) limit,
                Duration.ofMillis((long) intervalMs * limit), (long) burst, "tenant"), null, null, null, null, null)));
        TokenBucket model = new TokenBucket(limit + burst, intervalMs, T0);
        long now = T0;
        for (int gap : gapsInPermille) {
            now += (long) gap * intervalMs / 1000;
            Answer a = decide(List.of(p), event(), now, true);
            assertThat(a.approved()).as("at +%d ms", now - T0).isEqualTo(model.take(now));
            if (!a.approved()) {
                assertThat(a.reason()).isEqualTo("rate_limited");
                assertThat(a.retryAfterMs()).isBetween(1L, (long) intervalMs + 1);
            }
        }
    }

    @Property(tries = 200)
    void aBurstAtOneInstantAdmitsExactlyLimitPlusBurst(@ForAll @IntRange(min = 1, max = 30) int limit,
            @ForAll @IntRange(min = 0, max = 5) int burst, @ForAll @IntRange(min = 1, max = 80) int events,
            @ForAll @IntRange(min = 1, max = 3_600_000) int periodMs) {
        CompiledPolicy p = new CompiledPolicy(policy(spec(new PolicySpec.RateLimit((long) limit, Duration.ofMillis(periodMs),
                (long) burst, "tenant"), null, null, null, null, null)));
        int admitted = 0;
        for (int i = 0; i < events; i++) {
            if (decide(List.of(p), event(), T0, true).approved()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(Math.min(events, limit + burst));
    }

    @Property(tries = 30)
    void aRejectionConsumesNothingAndARedeliveryIsNotCountedTwice(@ForAll @IntRange(min = 1, max = 5) int quota,
            @ForAll @IntRange(min = 1, max = 12) int events) {
        // Rate limit first (would allow everything), then a quota: quota rejections must not spend rate slots.
        CompiledPolicy rate = new CompiledPolicy(policy(spec(new PolicySpec.RateLimit(100L, Duration.ofHours(1), 0L,
                "tenant"), null, null, null, null, null)));
        CompiledPolicy daily = new CompiledPolicy(policy(spec(null, new PolicySpec.Quota((long) quota, "UTC", "tenant"),
                null, null, null, null)));
        int admitted = 0;
        for (int i = 0; i < events; i++) {
            TriggerEvent e = event();
            Answer first = decide(List.of(rate, daily), e, T0, true);
            Answer again = decide(List.of(rate, daily), e, T0, true);
            assertThat(again.repeated()).isTrue();
            assertThat(again.approved()).isEqualTo(first.approved());
            if (first.approved()) {
                admitted++;
            } else {
                assertThat(first.reason()).isEqualTo("quota_exhausted");
                assertThat(first.check()).isEqualTo(1);
            }
        }
        assertThat(admitted).isEqualTo(Math.min(quota, events));
        // Exactly `admitted` rate slots went: 100 - admitted remain at the same instant.
        int more = 0;
        for (int i = 0; i < 100; i++) {
            if (decide(List.of(rate), event(), T0, true).approved()) {
                more++;
            }
        }
        assertThat(more).isEqualTo(100 - admitted);
    }

    @Property(tries = 10)
    void aDryRunChangesNothing(@ForAll @IntRange(min = 1, max = 5) int limit) {
        CompiledPolicy p = new CompiledPolicy(policy(spec(new PolicySpec.RateLimit((long) limit, Duration.ofHours(1),
                0L, "tenant"), null, null, null, new PolicySpec.Concurrency(1, "tenant"), null)));
        for (int i = 0; i < 10; i++) {
            assertThat(decide(List.of(p), event(), T0, false).approved()).isTrue();
        }
        assertThat(decide(List.of(p), event(), T0, true).approved()).isTrue();
    }

    @Property(tries = 10)
    void concurrencySlotsAreReleasedByOutcomesOrByTheirLease(@ForAll @IntRange(min = 1, max = 4) int max) {
        CompiledPolicy p = new CompiledPolicy(policy(spec(null, null, null, null,
                new PolicySpec.Concurrency(max, "eventName"), null)));
        List<TriggerEvent> running = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            TriggerEvent e = event();
            assertThat(decide(List.of(p), e, T0, true).approved()).isTrue();
            running.add(e);
        }
        Answer full = decide(List.of(p), event(), T0 + 1, true);
        assertThat(full.reason()).isEqualTo("concurrency_limited");
        feedback(running.get(0), "fail", 0, T0 + 2);
        feedback(running.get(0), "fail", 0, T0 + 3); // redelivered outcome: no second release
        assertThat(decide(List.of(p), event(), T0 + 4, true).approved()).isTrue();
        assertThat(decide(List.of(p), event(), T0 + 5, true).reason()).isEqualTo("concurrency_limited");
        // Outcomes that never come: the lease (1 h here) frees the slots.
        assertThat(decide(List.of(p), event(), T0 + Duration.ofHours(1).toMillis() + 10, true).approved()).isTrue();
    }

    @Property(tries = 10)
    void budgetsFillWithReportedCostAndCooldownsFollowSuccesses(@ForAll @IntRange(min = 1, max = 50) int cents) {
        CompiledPolicy budget = new CompiledPolicy(policy(spec(null, null, new PolicySpec.Budget(
                BigDecimal.valueOf(cents, 2), "UTC", "tenant"), null, null, null)));
        TriggerEvent first = event();
        assertThat(decide(List.of(budget), first, T0, true).approved()).isTrue();
        assertThat(decide(List.of(budget), event(), T0, true).approved()).isTrue();
        feedback(first, "ok", cents / 100d, T0 + 1);
        Answer spent = decide(List.of(budget), event(), T0 + 2, true);
        assertThat(spent.reason()).isEqualTo("budget_exhausted");
        assertThat(spent.retryAfterMs()).isBetween(1L, Duration.ofDays(1).toMillis());

        CompiledPolicy cooldown = new CompiledPolicy(policy(spec(null, null, null, Duration.ofSeconds(30), null, null)));
        TriggerEvent a = event();
        assertThat(decide(List.of(cooldown), a, T0, true).approved()).isTrue();
        TriggerEvent failed = event();
        assertThat(decide(List.of(cooldown), failed, T0, true).approved()).isTrue();
        feedback(failed, "fail", 0, T0 + 10);
        assertThat(decide(List.of(cooldown), event(), T0 + 20, true).approved()).as("failures stamp nothing").isTrue();
        feedback(a, "ok", 0, T0 + 1000);
        Answer cooling = decide(List.of(cooldown), event(), T0 + 2000, true);
        assertThat(cooling.reason()).isEqualTo("cooldown");
        assertThat(cooling.retryAfterMs()).isBetween(1L, 30_000L);
    }

    @Property(tries = 5)
    void theBreakerOpensOnTheFailureRatioProbesWhenHalfOpenAndCloses(@ForAll @IntRange(min = 1, max = 3) int probes) {
        CompiledPolicy p = new CompiledPolicy(policy(spec(null, null, null, null, null, new PolicySpec.CircuitBreaker(
                Duration.ofMinutes(1), 4, 0.5, Duration.ofSeconds(10), probes, "eventName"))));
        long now = T0;
        // 2 successes, 1 failure: ratio 1/3 under 0.5, and 3 runs under the minimum of 4: stays closed.
        for (String outcome : List.of("ok", "ok", "fail")) {
            TriggerEvent e = event();
            assertThat(decide(List.of(p), e, now, true).approved()).isTrue();
            assertThat(feedback(e, outcome, 0, ++now)).isEmpty();
        }
        TriggerEvent fourth = event();
        assertThat(decide(List.of(p), fourth, now, true).approved()).isTrue();
        List<Transition> opened = feedback(fourth, "fail", 0, ++now); // 2 of 4 failed = 0.5
        assertThat(opened).extracting(Transition::state).containsExactly("open");
        Answer open = decide(List.of(p), event(), now + 1, true);
        assertThat(open.reason()).isEqualTo("circuit_open");
        assertThat(open.retryAfterMs()).isBetween(9_000L, 10_000L);

        now += 10_001;
        List<TriggerEvent> probing = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
            TriggerEvent e = event();
            assertThat(decide(List.of(p), e, now, true).approved()).as("probe %d", i).isTrue();
            probing.add(e);
        }
        assertThat(decide(List.of(p), event(), now, true).reason()).as("probes exhausted").isEqualTo("circuit_open");
        // One failed probe: open again.
        assertThat(feedback(probing.get(0), "fail", 0, now + 1)).extracting(Transition::state).containsExactly("open");
        assertThat(decide(List.of(p), event(), now + 2, true).reason()).isEqualTo("circuit_open");

        now += 10_010;
        probing.clear();
        for (int i = 0; i < probes; i++) {
            TriggerEvent e = event();
            assertThat(decide(List.of(p), e, now, true).approved()).isTrue();
            probing.add(e);
        }
        List<Transition> last = List.of();
        for (TriggerEvent e : probing) {
            last = feedback(e, "ok", 0, now + 1);
        }
        assertThat(last).extracting(Transition::state).containsExactly("closed");
        assertThat(decide(List.of(p), event(), now + 2, true).approved()).isTrue();
    }
}
