package io.agenttriggers.webhook.messaging;

import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.signal.Signal;
import io.agenttriggers.common.signal.Signals;
import io.agenttriggers.webhook.domain.Endpoint;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Counts deliveries refused for their credentials per endpoint and publishes one signal per endpoint and period with
 * the count, for the tenants' verification-failure alerts. Someone probing an endpoint with a thousand forged
 * signatures a second costs a counter increment each and one small Kafka record per period, never a record per
 * request. At most {@link #MAX_ENDPOINTS} endpoints are counted per period (the rest only in the metric). Counts of
 * the period a replica dies in are lost: a signal is a hint for an alert, not an accepted event.
 */
@ApplicationScoped
public class VerificationFailures {

    static final int MAX_ENDPOINTS = 10_000;

    private record Tally(String tenantId, String source, AtomicLong count, String[] lastCode) {
    }

    @Inject
    @Channel(Topics.SIGNALS)
    MutinyEmitter<CloudEvent> signals;

    @Inject
    MeterRegistry registry;

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private Counter untallied;

    @PostConstruct
    void init() {
        untallied = registry.counter("webhook_verification_failures_untallied_total");
    }

    public void record(Endpoint endpoint, String code) {
        Tally tally = tallies.get(endpoint.id());
        if (tally == null) {
            if (tallies.size() >= MAX_ENDPOINTS) {
                untallied.increment();
                return;
            }
            tally = tallies.computeIfAbsent(endpoint.id(), id -> new Tally(endpoint.tenantId(), endpoint.source(),
                    new AtomicLong(), new String[1]));
        }
        tally.count().incrementAndGet();
        tally.lastCode()[0] = code;
    }

    @Scheduled(every = "${triggers.webhook-gateway.verification-signal-period:PT10S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (Iterator<Tally> it = tallies.values().iterator(); it.hasNext();) {
            Tally tally = it.next();
            it.remove();
            long n = tally.count().get();
            if (n > 0) {
                Signals.publish(signals, new Signal(Signal.WEBHOOK_VERIFICATION_FAILED, tally.tenantId(),
                        tally.source(), null, n, "last refusal: " + tally.lastCode()[0], now), "/webhook-gateway");
            }
        }
    }
}
