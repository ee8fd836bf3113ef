package io.agenttriggers.governance.messaging;

import io.agenttriggers.common.messaging.DeadLetters;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.governance.alerts.CircuitAlerts;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.persistence.Circuits;
import io.agenttriggers.governance.persistence.GovernanceState;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Feeds run outcomes back into governance: they release concurrency slots, add cost to the day's budgets, stamp
 * cooldowns after successes and move circuit breakers. The channel reads {@code triggers.outcomes} under its own
 * name because this service also writes that topic (rejection outcomes), and SmallRye channels are one-way.
 * The offset is committed only once the feedback is applied; applying is idempotent per run.
 */
@ApplicationScoped
public class OutcomeConsumer {

    private static final Logger LOG = Logger.getLogger(OutcomeConsumer.class);
    public static final String CHANNEL = "outcomes-feedback";

    @Inject
    GovernanceState state;

    @Inject
    Circuits circuits;

    @Inject
    GovernanceConfig config;

    @Inject
    DeadLetters deadLetters;

    @Inject
    MeterRegistry registry;

    @Inject
    CircuitAlerts circuitAlerts;

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<CloudEvent> message) {
        RunOutcome outcome;
        try {
            outcome = RunOutcomeCodec.fromCloudEvent(message.getPayload());
        } catch (RuntimeException e) {
            // This consumer group is the one that sets aside a bad outcome record (the others only skip it).
            registry.counter("governance_invalid_outcomes_total").increment();
            return deadLetters.send(message, "invalid_outcome", e.getMessage())
                    .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff())
                    .indefinitely()
                    .chain(() -> Uni.createFrom().completionStage(message.ack()));
        }
        String outcomeClass = switch (outcome.status()) {
            case SUCCEEDED, FALLBACK_SUCCEEDED -> "ok";
            case FAILED, DEAD_LETTERED -> "fail";
            default -> "none";
        };
        double cost = outcome.costUsd() == null ? 0 : outcome.costUsd().doubleValue();
        return state.feedback(outcome.runId(), outcomeClass, cost, 0)
                .invoke(transitions -> transitions.forEach(t -> {
                    LOG.infof("Circuit %s is now %s", t.key(), t.state());
                    circuits.observed(t.key(), t.state());
                }))
                .onFailure().invoke(e -> LOG.warnf("Feeding back the outcome of run %s failed, retrying: %s",
                        outcome.runId(), e.toString()))
                .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely()
                .chain(transitions -> circuitAlerts.observed(message, outcome, transitions))
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }
}
