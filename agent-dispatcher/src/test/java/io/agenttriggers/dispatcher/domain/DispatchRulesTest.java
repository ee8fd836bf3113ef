package io.agenttriggers.dispatcher.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.Fallback;
import io.agenttriggers.common.event.FallbackStrategy;
import io.agenttriggers.dispatcher.client.RuntimeClient;
import io.agenttriggers.dispatcher.client.RuntimeFailure;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The dispatcher's pure rules: backoff, what is retried, which path a run takes. */
class DispatchRulesTest {

    @Property
    void backoffStaysWithinItsCapWhichGrowsMonotonicallyAndHonoursRetryAfterAsAFloor(
            @ForAll @IntRange(min = 1, max = 40) int attempt, @ForAll @IntRange(min = 1, max = 2_000) int initialMs,
            @ForAll @IntRange(min = 1, max = 60_000) int maxMs, @ForAll @IntRange(min = -1, max = 120) int retryAfterS) {
        Duration initial = Duration.ofMillis(initialMs);
        Duration max = Duration.ofMillis(maxMs);
        Duration retryAfter = retryAfterS < 0 ? null : Duration.ofSeconds(retryAfterS);
        long cap = Math.min(maxMs, (long) initialMs << Math.min(attempt - 1, 20));
        long nextCap = Math.min(maxMs, (long) initialMs << Math.min(attempt, 20));
        assertThat(nextCap).isGreaterThanOrEqualTo(cap);
        long delay = RuntimeClient.backoff(attempt, initial, max, retryAfter).toMillis();
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), maxMs);
        assertThat(delay).isBetween(Math.max(1, floor), Math.max(cap, floor));
        assertThat(delay).isLessThanOrEqualTo(maxMs);
    }

    @Property
    void theRetryGuardsBackoffGrowsItsCapPerFailedAttemptAndTakesRetryAfterFromTheFailure(
            @ForAll @IntRange(min = 1, max = 12) int failures, @ForAll @IntRange(min = 1, max = 500) int initialMs,
            @ForAll @IntRange(min = 1, max = 10_000) int maxMs, @ForAll @IntRange(min = -1, max = 30) int retryAfterS) {
        DispatchService.RetryAfterBackoff backoff = new DispatchService.RetryAfterBackoff(Duration.ofMillis(initialMs),
                Duration.ofMillis(maxMs));
        Duration retryAfter = retryAfterS < 0 ? null : Duration.ofSeconds(retryAfterS);
        RuntimeFailure failure = new RuntimeFailure(true, 429, "http_429", "busy", retryAfter);
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), maxMs);
        for (int n = 1; n <= failures; n++) {
            // The n-th delay of one run uses the n-th cap: the strategy counts the failures itself.
            long cap = Math.min(maxMs, (long) initialMs << Math.min(n - 1, 20));
            long delay = backoff.nextDelayInMillis(failure);
            assertThat(delay).isBetween(Math.max(1, floor), Math.max(cap, floor));
        }
        // A failure that is not a RuntimeFailure carries no Retry-After: plain jittered backoff.
        long next = Math.min(maxMs, (long) initialMs << Math.min(failures, 20));
        assertThat(backoff.nextDelayInMillis(new IllegalStateException())).isBetween(1L, Math.max(1, next));
    }

    @Property
    void onlyServerErrorsAndTooManyRequestsAreRetried(@ForAll @IntRange(min = 100, max = 599) int status) {
        assertThat(RuntimeClient.retryable(status)).isEqualTo(status >= 500 || status == 429);
    }

    @Property
    void theAgentPathIsTakenWithTheMigrationWeightsProbability(@ForAll @DoubleRange(min = 0, max = 1) double weight,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double draw) {
        Fallback onFailure = new Fallback("http://fallback.local/run", FallbackStrategy.ON_FAILURE);
        DispatchOptions options = new DispatchOptions(weight, onFailure, null, null);
        assertThat(PathChooser.choose(options, draw))
                .isEqualTo(draw < weight ? PathChooser.Path.AGENT : PathChooser.Path.FALLBACK);
        // Without a usable fallback the agent runs whatever the weight says.
        assertThat(PathChooser.choose(new DispatchOptions(weight, null, null, null), draw))
                .isEqualTo(PathChooser.Path.AGENT);
        assertThat(PathChooser.choose(new DispatchOptions(weight, new Fallback("http://f", FallbackStrategy.NEVER),
                null, null), draw)).isEqualTo(PathChooser.Path.AGENT);
        // "always" runs the fallback instead of the agent.
        assertThat(PathChooser.choose(new DispatchOptions(weight, new Fallback("http://f", FallbackStrategy.ALWAYS),
                null, null), draw)).isEqualTo(PathChooser.Path.FALLBACK);
        // No weight: the agent (with the fallback only on failure).
        assertThat(PathChooser.choose(new DispatchOptions(null, onFailure, null, null), draw))
                .isEqualTo(PathChooser.Path.AGENT);
    }
}
