package io.agenttriggers.dispatcher.messaging;

import io.agenttriggers.common.event.KafkaSend;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.dispatcher.domain.RunRecord;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** What the dispatcher publishes: outcomes and dead letters. Each Uni completes once Kafka acknowledged. */
@ApplicationScoped
public class RunEvents {

    static final String PRODUCER = "/agent-dispatcher";

    @Inject
    @Channel(Topics.OUTCOMES)
    MutinyEmitter<CloudEvent> outcomes;

    @Inject
    @Channel(Topics.DLQ)
    MutinyEmitter<CloudEvent> dlq;

    public Uni<Void> outcome(RunRecord run) {
        RunOutcome outcome = new RunOutcome(run.runId(), run.tenantId(), run.eventName(), run.triggerType(),
                run.status(), run.reason(), run.decisionMode(), run.result(), run.error(), run.costUsd(),
                run.llmCalls(), run.attempts(), run.duration(), run.originalRunId(), null,
                run.finishedAt() == null ? OffsetDateTime.now(ZoneOffset.UTC) : run.finishedAt());
        return KafkaSend.send(outcomes, RunOutcomeCodec.toCloudEvent(outcome, PRODUCER),
                TriggerEvent.partitionKeyOf(run.tenantId(), run.eventName()));
    }

    /** Re-drives an event through this dispatcher pool (a DLQ replay). */
    @Inject
    @Channel(REPLAYS)
    MutinyEmitter<CloudEvent> replays;

    /** The outgoing channel that writes replays to {@code triggers.approved} (the incoming one has that name). */
    public static final String REPLAYS = "replays";

    /**
     * The original event, marked with why it was dead-lettered ({@code dlqreason}), how many attempts were made
     * ({@code dlqattempts}) and their history as JSON ({@code dlqhistory}: number, path, start, duration, status,
     * error class per attempt); the ledger has the same under the run id.
     */
    public Uni<Void> deadLetter(TriggerEvent event, String reason, int attempts, String history) {
        CloudEvent ce = CloudEventBuilder.from(TriggerEventCodec.toCloudEvent(event))
                .withExtension("dlqreason", reason)
                .withExtension("dlqattempts", attempts)
                .withExtension("dlqhistory", history)
                .build();
        return KafkaSend.send(dlq, ce, event.partitionKey());
    }

    public Uni<Void> replay(TriggerEvent event) {
        return KafkaSend.send(replays, TriggerEventCodec.toCloudEvent(event), event.partitionKey());
    }
}
