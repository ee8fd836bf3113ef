package io.agenttriggers.webhook.messaging;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.sync.RunWaiter;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads every outcome (this replica has a consumer group of its own) and hands it to the sync requests waiting here.
 */
@ApplicationScoped
public class OutcomeListener {

    @Inject
    RunWaiter waiter;

    @Inject
    MeterRegistry registry;

    @PostConstruct
    void gauge() {
        Gauge.builder("webhook_sync_waits_inflight", waiter, RunWaiter::inFlight).register(registry);
    }

    @Incoming(Topics.OUTCOMES)
    public void onOutcome(CloudEvent event) {
        if (event == null || waiter.inFlight() == 0) {
            return;
        }
        try {
            waiter.complete(RunOutcomeCodec.fromCloudEvent(event));
        } catch (InvalidEventException ignored) {
            // not an outcome anyone here waits for
        }
    }
}
