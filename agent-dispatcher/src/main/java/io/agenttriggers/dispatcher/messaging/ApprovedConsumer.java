package io.agenttriggers.dispatcher.messaging;

import io.agenttriggers.common.trace.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.jboss.logging.MDC;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.messaging.DeadLetters;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.agenttriggers.dispatcher.domain.DispatchService;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code triggers.approved}. A record is acknowledged only once its run reached a terminal state and the
 * outcome is on Kafka; ledger or Kafka failures are retried with backoff, never skipped. Up to {@code max-in-flight}
 * runs proceed at once, records of the same partition included: the connector's throttled commit strategy commits
 * an offset only when every record before it is acknowledged, so a crash redelivers whatever was not finished (and
 * the ledger's claim keeps a redelivered run from running twice). Events whose options say {@code ordered} run one
 * at a time per partition key (tenant + event name), in arrival order.
 */
@ApplicationScoped
public class ApprovedConsumer {

    private static final Logger LOG = Logger.getLogger(ApprovedConsumer.class);

    @Inject
    Tracer tracer;

    @Inject
    DispatchService dispatcher;

    @Inject
    DispatcherConfig config;

    @Inject
    DeadLetters deadLetters;

    @Inject
    MeterRegistry registry;

    private volatile InFlightWindow window;
    private final OrderedLanes lanes = new OrderedLanes();

    @jakarta.annotation.PostConstruct
    void init() {
        window = new InFlightWindow(config.maxInFlight());
        io.micrometer.core.instrument.Gauge.builder("dispatcher_runs_in_flight", window, InFlightWindow::inFlight)
                .description("Runs being dispatched in this replica").register(registry);
        io.micrometer.core.instrument.Gauge.builder("dispatcher_ordered_lanes", lanes, OrderedLanes::lanes)
                .description("Partition keys with ordered runs in flight or waiting").register(registry);
    }

    @Incoming(Topics.APPROVED)
    public Uni<Void> consume(Message<CloudEvent> message) {
        TriggerEvent event;
        try {
            event = TriggerEventCodec.fromCloudEvent(message.getPayload());
        } catch (InvalidEventException e) {
            // Nothing can ever run it: set aside, so it cannot hold the partition.
            registry.counter("dispatcher_invalid_events_total").increment();
            return deadLetters.send(message, "invalid_event", e.getMessage())
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), config.infrastructureRetryMax())
                    .indefinitely()
                    .chain(() -> Uni.createFrom().completionStage(message.ack()));
        }
        // An ordered event takes its place in its key's lane now, in arrival order (a key lives in one partition,
        // which one consumer reads in order); it starts once the runs before it in the lane have ended.
        OrderedLanes.Turn turn = event.data().options().inOrder() ? lanes.enter(event.partitionKey()) : null;
        // The stream moves on to the next record as soon as this one holds a slot; the run goes on by itself.
        Uni<Void> ready = turn == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(turn.ready());
        return Uni.createFrom().completionStage(window.acquire()).invoke(() -> ready
                // One span for the run, the trace's child; the runtime's calls carry it (traceparent header).
                .chain(() -> TraceContext.traced(tracer, "dispatch", SpanKind.CONSUMER, event, traced -> {
                    // This record's own (duplicated) Vert.x context: every line logged about the run carries these.
                    MDC.put("runId", traced.id());
                    MDC.put("tenantId", traced.tenantId());
                    MDC.put("traceId", TraceContext.traceId(traced.traceparent()));
                    return dispatcher.dispatch(traced, RunEvents.replayOf(message))
                                .onFailure().invoke(e -> LOG.warnf(e, "Dispatching run %s failed; retrying",
                                        traced.id()))
                                .onFailure().retry().withBackOff(Duration.ofMillis(200),
                                        config.infrastructureRetryMax())
                                .indefinitely();
                }))
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .eventually(() -> {
                    if (turn != null) {
                        lanes.leave(turn);
                    }
                    window.release();
                })
                .subscribe().with(ok -> { }, e -> LOG.errorf(e, "Run %s was not acknowledged", event.id())));
    }
}
