package io.agenttriggers.common.overload;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limit.window.PercentileSampleWindowFactory;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.agenttriggers.common.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Load shedding at an ingress on its own answer time: an adaptive concurrency limit (Netflix's
 * {@code concurrency-limits}) on the deliveries in progress, from the body read to the answer. The limit is AIMD over
 * windows of answers: a window whose 90th percentile is within {@code answerTime} lets the limit grow by one when the
 * ingress is using half of it, a slower window (or one with a publish that failed) shrinks it by a tenth. A healthy
 * gateway has far fewer deliveries in progress than its limit and is never refused; past saturation, when the
 * broker's acknowledgements queue behind a busy machine, the limit falls to the concurrency that still answers in
 * time, and a delivery past it is answered 503 with {@code Retry-After} at once, before any work is done for it.
 * The target is absolute rather than relative to past latency (Gradient2, Vegas), because a provider's delivery
 * timeout is: a gateway that got used to answering in seconds would still have its deliveries failed and resent.
 * The {@link BacklogGate} watches the consumers behind the ingress; this limit watches the ingress itself.
 */
@ApplicationScoped
public class AdmissionLimit {

    /** A delivery in progress; ended exactly once, with whether its answer time tells anything of the load. */
    public interface Admission {

        /** Answered normally: its time is a sample of the ingress's latency. */
        void answered();

        /** Ended without a meaningful latency (refused by a check, a client error): not a sample. */
        void ignored();

        /** Failed for lack of capacity downstream (a publish that timed out): the limit backs off. */
        void dropped();

        /**
         * Ended with the answer's status: an accepted request's time samples the ingress's latency, a 5xx is a
         * publish that could not be had, anything else (a client's error) is not a sample.
         */
        default void ended(int status) {
            if (status < 300) {
                answered();
            } else if (status >= 500) {
                dropped();
            } else {
                ignored();
            }
        }
    }

    /** Answers kept per window for its percentile; at 4,000 answers a second a 250 ms window has this many. */
    private static final int WINDOW_SAMPLES = 1000;

    private static final Admission UNLIMITED = new Admission() {
        @Override
        public void answered() {
        }

        @Override
        public void ignored() {
        }

        @Override
        public void dropped() {
        }
    };

    @Inject
    OverloadConfig config;

    @Inject
    MeterRegistry registry;

    private SimpleLimiter<Void> limiter;
    private Counter refused;

    @PostConstruct
    void start() {
        refused = Shedding.counter(registry, "admission_limit");
        if (!config.enabled() || !config.adaptive().enabled()) {
            return;
        }
        limiter = build(config.adaptive(), System::nanoTime);
        Gauge.builder("triggers_ingress_concurrency_limit", limiter, SimpleLimiter::getLimit)
                .description("Deliveries in progress the ingress admits at once now (adaptive)").register(registry);
        Gauge.builder("triggers_ingress_in_flight", limiter, SimpleLimiter::getInflight)
                .description("Deliveries in progress now").register(registry);
    }

    static SimpleLimiter<Void> build(OverloadConfig.Adaptive adaptive, LongSupplier nanoClock) {
        int min = Math.max(1, adaptive.minLimit());
        int max = Math.max(min, adaptive.maxLimit());
        return SimpleLimiter.newBuilder()
                .named("ingress")
                .nanoClock(nanoClock)
                .limit(WindowedLimit.newBuilder()
                        // Windows of at least 10 answers and 100 to 250 ms (twice their p90 in between; the library
                        // allows no shorter): a saturated ingress halves its limit in about 1.5 s, and a limit at the
                        // floor grows back by ten a second, which at 5 ms an answer is already 3,000 deliveries/s.
                        .windowSize(10)
                        .minWindowTime(100, TimeUnit.MILLISECONDS)
                        .maxWindowTime(250, TimeUnit.MILLISECONDS)
                        .sampleWindowFactory(PercentileSampleWindowFactory.of(0.9, WINDOW_SAMPLES))
                        .build(AIMDLimit.newBuilder()
                                .initialLimit(Math.min(max, Math.max(min, adaptive.initialLimit())))
                                .minLimit(min)
                                .maxLimit(max)
                                .backoffRatio(0.9)
                                .timeout(adaptive.answerTime().toNanos(), TimeUnit.NANOSECONDS)
                                .build()))
                .build();
    }

    /** An admission that no limit counts (for work that is not an ingress's delivery, e.g. an operator's firing). */
    public static Admission unlimited() {
        return UNLIMITED;
    }

    /** The admission of a delivery that arrives now, or empty when the ingress is at its limit. */
    public Optional<Admission> admit() {
        if (limiter == null) {
            return Optional.of(UNLIMITED);
        }
        return limiter.acquire(null).map(AdmissionLimit::admission);
    }

    /** The 503 for a delivery past the limit (counted). */
    public ProblemException refusal() {
        refused.increment();
        return ProblemException.unavailable("overloaded", "This gateway is answering more slowly than usual and "
                + "admits fewer deliveries at once; nothing of this delivery was kept, send it again after Retry-After",
                1);
    }

    static Admission admission(Limiter.Listener listener) {
        return new Admission() {
            private boolean ended;

            @Override
            public void answered() {
                if (end()) {
                    listener.onSuccess();
                }
            }

            @Override
            public void ignored() {
                if (end()) {
                    listener.onIgnore();
                }
            }

            @Override
            public void dropped() {
                if (end()) {
                    listener.onDropped();
                }
            }

            private synchronized boolean end() {
                if (ended) {
                    return false;
                }
                ended = true;
                return true;
            }
        };
    }
}
