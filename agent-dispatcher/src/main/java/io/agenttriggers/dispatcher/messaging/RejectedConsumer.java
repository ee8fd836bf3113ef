package io.agenttriggers.dispatcher.messaging;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.messaging.DeadLetters;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.agenttriggers.dispatcher.persistence.RunLedger;
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
 * Records the events governance rejected ({@code triggers.rejected}, reason in the {@code rejectreason} extension)
 * as {@code rejected} runs, so the ledger is the one history of every trigger. Governance already published their
 * outcomes; the dispatcher never publishes another one for them.
 */
@ApplicationScoped
public class RejectedConsumer {

    private static final Logger LOG = Logger.getLogger(RejectedConsumer.class);

    @Inject
    RunLedger ledger;

    @Inject
    DispatcherConfig config;

    @Inject
    DeadLetters deadLetters;

    @Inject
    MeterRegistry registry;

    @Incoming(Topics.REJECTED)
    public Uni<Void> consume(Message<CloudEvent> message) {
        TriggerEvent event;
        try {
            event = TriggerEventCodec.fromCloudEvent(message.getPayload());
        } catch (InvalidEventException e) {
            registry.counter("dispatcher_invalid_events_total").increment();
            return deadLetters.send(message, "invalid_event", e.getMessage())
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), config.infrastructureRetryMax())
                    .indefinitely()
                    .chain(() -> Uni.createFrom().completionStage(message.ack()));
        }
        Object reason = message.getPayload().getExtension("rejectreason");
        return ledger.recordRejected(event, reason == null ? "rejected" : reason.toString())
                .invoke(() -> registry.counter("dispatcher_runs_total", "status", "rejected", "decision_mode",
                        "none").increment())
                .onFailure().invoke(e -> LOG.warnf("Recording rejected run %s failed; retrying: %s", event.id(),
                        e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), config.infrastructureRetryMax()).indefinitely()
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }
}
