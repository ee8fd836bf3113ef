package io.agenttriggers.cron.messaging;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.cron.persistence.ScheduleStore;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Records the end of each schedule's runs (one consumer group for all replicas): the overlap policies look at it,
 * and a buffered fire becomes due when the run it waited for ends. A record that is not an outcome is skipped here
 * (governance's feedback consumer dead-letters it).
 */
@ApplicationScoped
public class OutcomeConsumer {

    private static final Logger LOG = Logger.getLogger(OutcomeConsumer.class);
    private static final String TRIGGER_TYPE = TriggerType.CRON.wire();

    @Inject
    ScheduleStore store;

    @Incoming(Topics.OUTCOMES)
    public Uni<Void> onOutcome(CloudEvent event) {
        if (event == null || !RunOutcomeCodec.mayBeOf(event, TRIGGER_TYPE)) {
            return Uni.createFrom().voidItem();
        }
        RunOutcome outcome;
        try {
            outcome = RunOutcomeCodec.fromCloudEvent(event);
        } catch (InvalidEventException e) {
            return Uni.createFrom().voidItem();
        }
        if (!TRIGGER_TYPE.equals(outcome.triggerType())) {
            return Uni.createFrom().voidItem();
        }
        // PostgreSQL away is a failure that passes: retried, the record not acknowledged until it is recorded.
        return store.runFinished(outcome.runId(), outcome.status().wire())
                .onFailure().invoke(e -> LOG.warnf("Recording the end of cron run %s failed, retrying: %s",
                        outcome.runId(), e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }
}
