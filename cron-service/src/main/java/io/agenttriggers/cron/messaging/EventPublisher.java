package io.agenttriggers.cron.messaging;

import io.agenttriggers.common.trace.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

import io.agenttriggers.common.event.KafkaSend;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Publishes schedule fires to {@code triggers.inbound}; the Uni completes only once Kafka acknowledged. */
@ApplicationScoped
public class EventPublisher {

    /** A claim round sends up to a batch of events at once; they wait here for the producer. */
    @Inject
    @Channel(Topics.INBOUND)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
    MutinyEmitter<CloudEvent> inbound;

    /**
     * Longer than the producer's own bound (max.block.ms 5 s + delivery.timeout.ms 12 s) and a buffered wait, so the
     * producer answers first; a fire published late anyway carries its fire time's dedup key and runs once.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Tracer tracer;

    /** Under a span of its own: a child of the request's for a manual fire, a new trace for a scheduled one. */
    public Uni<Void> publish(TriggerEvent event) {
        TriggerEvent fire = event.traceparent() != null ? event : event.withTraceparent(TraceContext.currentOr(null));
        return TraceContext.traced(tracer, "cron fire", SpanKind.PRODUCER, fire, traced ->
                KafkaSend.send(inbound, TriggerEventCodec.toCloudEvent(traced), traced.partitionKey())
                        .ifNoItem().after(TIMEOUT).fail());
    }
}
