package io.agenttriggers.dispatcher.domain;

import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.signal.Signal;
import io.agenttriggers.common.signal.Signals;
import io.cloudevents.CloudEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import org.eclipse.microprofile.reactive.messaging.Channel;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Protects the agent runtime and the events: after {@code breaker-failure-threshold} consecutive calls that failed
 * because the runtime is unhealthy (connection errors, timeouts, 5xx), the breaker opens for
 * {@code breaker-open-for}. While open, consumption of {@code triggers.approved} is paused and runs in flight wait
 * before their next call without spending an attempt, so an outage dead-letters nothing; afterwards one probe call
 * goes through (half-open): success closes the breaker and resumes consumption, failure opens it again.
 */
@ApplicationScoped
public class RuntimeBreaker {

    private static final Logger LOG = Logger.getLogger(RuntimeBreaker.class);

    /** Breaker states; the gauge shows their ordinal. */
    public enum State {
        CLOSED, HALF_OPEN, OPEN
    }

    @Inject
    DispatcherConfig config;

    @Inject
    KafkaClientService kafka;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel(Topics.SIGNALS)
    MutinyEmitter<CloudEvent> signals;

    /** This replica, as tenants' runtime-paused alerts name it (one alert per replica). */
    private static final String REPLICA = "/agent-dispatcher/" + System.getenv().getOrDefault("HOSTNAME",
            java.util.UUID.randomUUID().toString().substring(0, 8));

    private volatile State state = State.CLOSED;
    private volatile long openUntilNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger paused = new AtomicInteger();

    @PostConstruct
    void init() {
        registry.gauge("dispatcher_runtime_breaker_state", this, b -> b.state.ordinal());
        registry.gauge("dispatcher_consumer_paused", paused, AtomicInteger::get);
    }

    public State state() {
        return state;
    }

    /**
     * Completes when a call may go out: at once while closed; when open, after the open period, for one caller at
     * a time (the probe) until the breaker closes. Answers whether this caller is the probe.
     */
    public Uni<Boolean> permit() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return Uni.createFrom().item(false);
            }
            if (state == State.OPEN && System.nanoTime() >= openUntilNanos) {
                state = State.HALF_OPEN;
                LOG.info("Agent runtime breaker half-open: one probe call goes through");
                return Uni.createFrom().item(true);
            }
        }
        long waitNanos = Math.max(Duration.ofMillis(20).toNanos(), openUntilNanos - System.nanoTime());
        Duration wait = Duration.ofNanos(Math.min(waitNanos, Duration.ofMillis(500).toNanos()));
        return Uni.createFrom().voidItem().onItem().delayIt().by(wait).chain(this::permit);
    }

    /** Records a call's result; {@code unhealthy} is a failure that says the runtime is in trouble. */
    public void record(boolean probe, boolean unhealthy) {
        boolean open;
        boolean close;
        synchronized (this) {
            if (!unhealthy) {
                consecutiveFailures.set(0);
                close = state != State.CLOSED && (probe || state == State.HALF_OPEN);
                if (close) {
                    state = State.CLOSED;
                }
                open = false;
            } else {
                int failures = consecutiveFailures.incrementAndGet();
                open = probe || (state == State.CLOSED && failures >= config.breakerFailureThreshold());
                if (open) {
                    state = State.OPEN;
                    openUntilNanos = System.nanoTime() + config.breakerOpenFor().toNanos();
                }
                close = false;
            }
        }
        if (open) {
            LOG.warnf("Agent runtime breaker open for %s after %d failing calls; pausing consumption",
                    config.breakerOpenFor(), consecutiveFailures.get());
            registry.counter("dispatcher_runtime_breaker_opened_total").increment();
            pause(true);
            signal(Signal.RUNTIME_PAUSED, "the agent runtime failed " + consecutiveFailures.get() + " calls in a row; "
                    + "runs wait (no attempt is spent) and a probe call goes out after " + config.breakerOpenFor());
        } else if (close) {
            LOG.info("Agent runtime breaker closed; resuming consumption");
            pause(false);
            signal(Signal.RUNTIME_RESUMED, "a probe call succeeded; consumption resumed");
        }
    }

    private void signal(String kind, String detail) {
        Signals.publish(signals, new Signal(kind, null, REPLICA, null, 1, detail,
                java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)), "/agent-dispatcher");
    }

    private void pause(boolean pause) {
        try {
            for (var consumer : kafka.getConsumers(Topics.APPROVED)) {
                (pause ? consumer.pause().replaceWithVoid() : consumer.resume()).subscribe().with(x -> {
                }, e -> LOG.warnf("Could not %s consumption: %s", pause ? "pause" : "resume", e.toString()));
            }
            paused.set(pause ? 1 : 0);
        } catch (RuntimeException e) {
            LOG.warnf("Could not %s consumption: %s", pause ? "pause" : "resume", e.toString());
        }
    }
}
