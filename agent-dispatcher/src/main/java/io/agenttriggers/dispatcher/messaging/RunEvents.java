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
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

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
                run.finishedAt() == null ? OffsetDateTime.now(ZoneOffset.UTC) : run.finishedAt(), run.source(),
                run.workflowId());
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

    /** The Kafka header that numbers a replay: the run's replay count once this replay re-drives it. */
    public static final String REPLAY_HEADER = "triggers-replay";

    /**
     * Publishes a dead-lettered run's event as replay number {@code replay}; nothing in the ledger changes here. The
     * consumer that reads it moves the run from {@code dead_lettered} back into play, once for that number
     * ({@link io.agenttriggers.dispatcher.persistence.RunLedger#resumeReplay}), so a replay is in the ledger only when
     * its event is durable, and two publishes of one replay re-drive the run once.
     */
    public Uni<Void> replay(TriggerEvent event, int replay) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.partitionKey())
                .withHeaders(new RecordHeaders().add(REPLAY_HEADER,
                        Integer.toString(replay).getBytes(StandardCharsets.US_ASCII)))
                .build();
        return replays.sendMessage(Message.of(TriggerEventCodec.toCloudEvent(event)).addMetadata(metadata));
    }

    /** The replay number a record of {@code triggers.approved} carries; 0 for every record that is not a replay. */
    public static int replayOf(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> {
            Header header = m.getHeaders().lastHeader(REPLAY_HEADER);
            if (header == null) {
                return 0;
            }
            try {
                return Math.max(0, Integer.parseInt(new String(header.value(), StandardCharsets.US_ASCII)));
            } catch (NumberFormatException e) {
                return 0;
            }
        }).orElse(0);
    }
}
