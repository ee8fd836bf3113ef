package io.agenttriggers.queue.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffTest {

    @Property
    void ceilingGrowsMonotonicallyAndNeverPassesTheCap(@ForAll @LongRange(min = 1, max = 5_000) long initial,
            @ForAll @LongRange(min = 1, max = 120_000) long max, @ForAll @IntRange(min = 0, max = 200) int attempt) {
        Duration i = Duration.ofMillis(initial);
        Duration m = Duration.ofMillis(max);
        Duration now = Backoff.ceiling(i, m, attempt);
        Duration next = Backoff.ceiling(i, m, attempt + 1);
        assertThat(next).isGreaterThanOrEqualTo(now);
        assertThat(now).isLessThanOrEqualTo(Duration.ofMillis(Math.max(initial, max)));
        Duration delay = Backoff.delay(i, m, attempt);
        assertThat(delay.toMillis()).isBetween(now.toMillis() / 2, now.toMillis());
    }
}
