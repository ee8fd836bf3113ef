package io.agenttriggers.common.sync;

import io.agenttriggers.common.event.Extensions;
import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads every outcome (each replica with a consumer group of its own, from the end) and hands it to the sync
 * requests waiting in this replica. Only services that serve sync triggers build it
 * ({@code triggers.sync.listen-outcomes=true}) and configure the {@code triggers.outcomes} channel.
 */
@ApplicationScoped
@IfBuildProperty(name = "triggers.sync.listen-outcomes", stringValue = "true")
public class OutcomeListener {

    @Inject
    RunWaiter waiter;

    @Inject
    MeterRegistry registry;

    @PostConstruct
    void gauge() {
        Gauge.builder("triggers_sync_waits_inflight", waiter, RunWaiter::inFlight)
                .description("Sync requests waiting for their run's outcome in this replica")
                .register(registry);
    }

    @Incoming(Topics.OUTCOMES)
    public void onOutcome(CloudEvent event) {
        if (event == null || waiter.inFlight() == 0) {
            return;
        }
        Object runId = event.getExtension(Extensions.RUN_ID);
        if (runId != null && !waiter.isWaitingFor(runId.toString())) {
            return; // someone else's run: skipped without decoding its data
        }
        try {
            waiter.complete(RunOutcomeCodec.fromCloudEvent(event));
        } catch (InvalidEventException ignored) {
            // not an outcome anyone here waits for
        }
    }
}
