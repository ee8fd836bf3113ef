package io.agenttriggers.dispatcher.messaging;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
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
 * Consumes {@code triggers.approved}. A record is acknowledged (its offset committed) only once its run reached a
 * terminal state and the outcome is on Kafka; ledger or Kafka failures are retried with backoff, never skipped.
 */
@ApplicationScoped
public class ApprovedConsumer {

    private static final Logger LOG = Logger.getLogger(ApprovedConsumer.class);

    @Inject
    DispatchService dispatcher;

    @Inject
    DispatcherConfig config;

    @Inject
    MeterRegistry registry;

    @Incoming(Topics.APPROVED)
    public Uni<Void> consume(Message<CloudEvent> message) {
        TriggerEvent event;
        try {
            event = TriggerEventCodec.fromCloudEvent(message.getPayload());
        } catch (InvalidEventException e) {
            LOG.warnf("Skipping a record of %s that breaks the event contract: %s", Topics.APPROVED, e.getMessage());
            registry.counter("dispatcher_invalid_events_total").increment();
            return Uni.createFrom().completionStage(message.ack());
        }
        return dispatcher.dispatch(event)
                .onFailure().invoke(e -> LOG.warnf(e, "Dispatching run %s failed; retrying", event.id()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), config.infrastructureRetryMax()).indefinitely()
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }
}
