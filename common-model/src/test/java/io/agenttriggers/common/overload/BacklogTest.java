package io.agenttriggers.common.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BacklogTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void catchUpIsTheLagAtTheRateOfTheWindow() {
        Backlog b = new Backlog();
        // 500 records a second consumed while the topic's end runs 5,000 ahead.
        for (int i = 0; i < 8; i++) {
            b.sample(i * SECOND, i * 500L, i * 500L + 5_000);
        }
        assertThat(b.lag()).isEqualTo(5_000);
        assertThat(b.rate()).isEqualTo(500.0);
        assertThat(b.catchUp()).contains(Duration.ofSeconds(10));
    }

    @Test
    void theRateIsOnlyTheWindows() {
        Backlog b = new Backlog();
        // Fast at first, then 100 a second: the window forgets the fast start.
        b.sample(0, 0, 20_000);
        b.sample(SECOND, 10_000, 20_000);
        for (int i = 2; i < 2 + Backlog.WINDOW; i++) {
            b.sample(i * SECOND, 10_000 + (i - 1) * 100L, 20_000);
        }
        assertThat(b.rate()).isEqualTo(100.0);
    }

    @Test
    void noProgressGivesNoEstimate() {
        Backlog b = new Backlog();
        assertThat(b.catchUp()).isEmpty();
        b.sample(0, 100, 10_000);
        assertThat(b.catchUp()).as("one sample").isEmpty();
        b.sample(SECOND, 100, 12_000);
        assertThat(b.lag()).isEqualTo(11_900);
        assertThat(b.catchUp()).as("a consumer that is down or stuck").isEmpty();
    }

    @Test
    void aCaughtUpConsumerNeedsNoTime() {
        Backlog b = new Backlog();
        b.sample(0, 0, 0);
        b.sample(SECOND, 300, 300);
        assertThat(b.catchUp()).contains(Duration.ZERO);
    }
}
