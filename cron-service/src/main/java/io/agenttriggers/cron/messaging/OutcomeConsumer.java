package io.agenttriggers.cron.messaging;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.cron.persistence.ScheduleStore;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records the end of each schedule's runs (one consumer group for all replicas): the overlap policies look at it,
 * and a buffered fire becomes due when the run it waited for ends.
 */
@ApplicationScoped
public class OutcomeConsumer {

    @Inject
    ScheduleStore store;

    @Incoming(Topics.OUTCOMES)
    public Uni<Void> onOutcome(CloudEvent event) {
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        RunOutcome outcome;
        try {
            outcome = RunOutcomeCodec.fromCloudEvent(event);
        } catch (InvalidEventException e) {
            return Uni.createFrom().voidItem();
        }
        if (!"cron".equals(outcome.triggerType())) {
            return Uni.createFrom().voidItem();
        }
        return store.runFinished(outcome.runId(), outcome.status().wire());
    }
}
