package io.agenttriggers.common.overload;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ingress's adaptive limit on a clock of its own: it stays out of the way while answers are fast, and sheds when they slow down. */
class AdmissionLimitTest {

    record Adaptive(boolean enabled, Duration answerTime, int initialLimit, int minLimit, int maxLimit)
            implements OverloadConfig.Adaptive {
    }

    private static Adaptive adaptive(int initial, int min, int max) {
        return new Adaptive(true, Duration.ofMillis(100), initial, min, max);
    }

    private final AtomicLong now = new AtomicLong();

    /** Rounds of {@code concurrent} deliveries that each take {@code millis}; answers how many were refused. */
    private int rounds(SimpleLimiter<Void> limiter, int rounds, int concurrent, long millis) {
        int refused = 0;
        for (int r = 0; r < rounds; r++) {
            List<Limiter.Listener> inFlight = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                Optional<Limiter.Listener> admitted = limiter.acquire(null);
                if (admitted.isPresent()) {
                    inFlight.add(admitted.get());
                } else {
                    refused++;
                }
            }
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
            inFlight.forEach(l -> AdmissionLimit.admission(l).answered());
        }
        return refused;
    }

    @Test
    void fastAnswersAreNeverRefusedSlowOnesShrinkTheLimitToItsFloorAndItGrowsBackWhenAnswersAreFastAgain() {
        SimpleLimiter<Void> limiter = AdmissionLimit.build(adaptive(256, 16, 2048), now::get);
        // A healthy gateway: a hundred deliveries in progress, each answered in 5 ms; the limit stays out of the way.
        assertThat(rounds(limiter, 400, 100, 5)).isZero();
        assertThat(limiter.getLimit()).isEqualTo(256);

        // The machine saturates: 400 in progress take 300 ms each. Each slow window takes a tenth off the limit.
        int refused = rounds(limiter, 5, 400, 300);
        assertThat(limiter.getLimit()).isBetween(150, 230);
        refused += rounds(limiter, 60, 400, 300);
        assertThat(limiter.getLimit()).isEqualTo(16);
        assertThat(refused).isGreaterThan(60 * (400 - 256));

        // At the floor nothing is refused, however slow.
        assertThat(rounds(limiter, 50, 16, 1_000)).isZero();

        // Fast again and busy: the limit grows back by one per window (100 ms at the least).
        rounds(limiter, 2_000, 400, 5);
        assertThat(limiter.getLimit()).isBetween(100, 130);
    }

    @Test
    void aFailedPublishShrinksTheLimitHoweverFastItFailed() {
        SimpleLimiter<Void> limiter = AdmissionLimit.build(adaptive(100, 16, 2048), now::get);
        for (int window = 0; window < 5; window++) {
            for (int i = 0; i < 20; i++) {
                Limiter.Listener listener = limiter.acquire(null).orElseThrow();
                now.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
                AdmissionLimit.Admission admission = AdmissionLimit.admission(listener);
                if (i == 0) {
                    admission.dropped();
                } else {
                    admission.answered();
                }
            }
        }
        assertThat(limiter.getLimit()).isLessThan(100);
    }

    @Test
    void anAdmissionEndsOnceWhateverIsCalled() {
        SimpleLimiter<Void> limiter = AdmissionLimit.build(adaptive(1, 1, 1), now::get);
        AdmissionLimit.Admission first = AdmissionLimit.admission(limiter.acquire(null).orElseThrow());
        assertThat(limiter.acquire(null)).isEmpty();
        first.ignored();
        first.answered();
        first.dropped();
        assertThat(limiter.getInflight()).isZero();
        assertThat(limiter.acquire(null)).isPresent();
        assertThat(limiter.getInflight()).isEqualTo(1);
    }
}
