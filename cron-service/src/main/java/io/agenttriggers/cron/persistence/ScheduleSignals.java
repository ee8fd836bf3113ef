package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.signal.Signal;
import io.agenttriggers.common.signal.Signals;
import io.agenttriggers.cron.domain.FireEvents;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.cloudevents.CloudEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Tells the schedule's tenant (through its alert rules) that fire times were missed or that the schedule cannot be
 * planned any more. Published without waiting: a signal never holds up a fire.
 */
@ApplicationScoped
public class ScheduleSignals {

    private static final String PRODUCER = "/cron-service";

    @Inject
    @Channel(Topics.SIGNALS)
    MutinyEmitter<CloudEvent> emitter;

    void misfired(String scheduleId, ScheduleSpec spec, int count) {
        publish(Signal.CRON_MISFIRE, scheduleId, spec, count, "missed " + count + " fire time(s) by more than the "
                + "misfire threshold; misfire policy " + spec.misfire().wire() + " applied");
    }

    void unplannable(String scheduleId, ScheduleSpec spec, RuntimeException e) {
        publish(Signal.CRON_UNPLANNABLE, scheduleId, spec, 1, "cannot be planned and was stopped: " + e.getMessage());
    }

    private void publish(String kind, String scheduleId, ScheduleSpec spec, int count, String detail) {
        Signals.publish(emitter, new Signal(kind, spec.tenantId(), FireEvents.source(scheduleId), spec.eventName(),
                count, detail, OffsetDateTime.now(ZoneOffset.UTC)), PRODUCER);
    }
}
