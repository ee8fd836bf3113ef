package io.agenttriggers.governance.messaging;

import io.agenttriggers.common.trace.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.KafkaSend;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.messaging.DeadLetters;
import io.agenttriggers.common.messaging.KafkaRefusals;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.PolicyEngine;
import io.agenttriggers.governance.domain.Verdict;
import io.agenttriggers.governance.persistence.DecisionLog;
import io.agenttriggers.governance.persistence.DecisionLog.DecisionRecord;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Decides every event of {@code triggers.inbound}, a poll's batch at a time: the decision is stored, then the event goes to
 * {@code triggers.approved} or to {@code triggers.rejected} with an outcome, and only then is the record
 * acknowledged. A failure (PostgreSQL down, Kafka down) is retried with backoff until it succeeds, so the service
 * stops consuming rather than deciding without an audit trail, and no event is lost or skipped. Redelivered events
 * keep their first decision: the Redis script remembers it per run and the audit row is never overwritten. A
 * record that can never be decided or forwarded (not a trigger event, or refused by Kafka for good) is dead-lettered
 * with its reason instead, so it cannot hold its partition.
 */
@ApplicationScoped
public class InboundConsumer {

    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);
    static final String PRODUCER = "/governance-service";
    /** CloudEvent extension of a rejected event that names the reason (as the topic's contract says). */
    public static final String REJECT_REASON = "rejectreason";

    @Inject
    Tracer tracer;

    @Inject
    PolicyEngine engine;

    @Inject
    DecisionLog decisions;

    @Inject
    DecisionStream stream;

    @Inject
    GovernanceConfig config;

    @Inject
    DeadLetters deadLetters;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel(Topics.APPROVED)
    MutinyEmitter<CloudEvent> approved;

    @Inject
    @Channel(Topics.REJECTED)
    MutinyEmitter<CloudEvent> rejected;

    @Inject
    @Channel(Topics.OUTCOMES)
    MutinyEmitter<CloudEvent> outcomes;

    private Timer latency;

    @PostConstruct
    void init() {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter("governance_degraded_decisions_total");
        latency = Timer.builder("governance_decision_latency")
                .description("Time to evaluate the policies of one event (Redis included, audit write excluded)")
                .publishPercentileHistogram().register(registry);
    }

    /**
     * One poll's records at a time: every event is decided concurrently (one Redis script each, pipelined), the
     * decisions are audited in one round trip, the events are forwarded in their order, and only then is the batch
     * acknowledged. A failure retries the whole batch: decisions already made are remembered per run and audit rows
     * are never overwritten, so a retry answers the same.
     */
    @Incoming(Topics.INBOUND)
    public Uni<Void> consume(KafkaRecordBatch<String, CloudEvent> batch) {
        List<TriggerEvent> events = new ArrayList<>(batch.getRecords().size());
        List<KafkaRecord<String, CloudEvent>> records = new ArrayList<>(batch.getRecords().size());
        List<Uni<Void>> setAside = new ArrayList<>();
        for (KafkaRecord<String, CloudEvent> record : batch.getRecords()) {
            try {
                events.add(TriggerEventCodec.fromCloudEvent(record.getPayload()));
                records.add(record);
            } catch (InvalidEventException e) {
                // Not a trigger event (or undeserializable): nothing can ever run it, so it must not hold the partition.
                registry.counter("governance_invalid_events_total").increment();
                setAside.add(deadLetters.send(record, "invalid_event", e.getMessage()));
            }
        }
        Uni<Void> deadLettered = setAside.isEmpty() ? Uni.createFrom().voidItem()
                : retried(Uni.join().all(setAside).andFailFast().replaceWithVoid(), "Dead-lettering", setAside.size());
        if (events.isEmpty()) {
            return deadLettered.chain(() -> Uni.createFrom().completionStage(batch.ack()));
        }
        return retried(decideAll(events, records), "Deciding", events.size())
                .chain(() -> deadLettered)
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    /** Failures that may pass (PostgreSQL, Redis or Kafka away) are retried with backoff until they do. */
    private Uni<Void> retried(Uni<Void> work, String what, int count) {
        return work.onFailure().invoke(e -> LOG.warnf("%s %d record(s) failed, retrying: %s", what, count,
                        e.toString()))
                .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff())
                .indefinitely();
    }

    private Uni<Void> decideAll(List<TriggerEvent> events, List<KafkaRecord<String, CloudEvent>> records) {
        // A redelivered event keeps its first decision: Redis remembers it per run for decision-memory (and then
        // consumes nothing again), and the audit row is never overwritten, so what is forwarded is what was audited.
        return evaluate(events).chain(stored -> forwardAll(events, records, stored));
    }

    private Uni<List<DecisionRecord>> evaluate(List<TriggerEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        long started = System.nanoTime();
        return engine.decideAll(events, true)
                .map(decided -> {
                    // Every event of the batch waited for the whole evaluation: that is its decision latency.
                    long micros = (System.nanoTime() - started) / 1000;
                    List<DecisionLog.Pending> pending = new ArrayList<>(decided.size());
                    for (int i = 0; i < decided.size(); i++) {
                        latency.record(micros, TimeUnit.MICROSECONDS);
                        pending.add(new DecisionLog.Pending(events.get(i), decided.get(i).verdict(), micros));
                    }
                    return pending;
                })
                .chain(pending -> decisions.recordAll(pending));
    }

    private Uni<Void> forwardAll(List<TriggerEvent> events, List<KafkaRecord<String, CloudEvent>> records,
            List<DecisionRecord> stored) {
        List<Uni<Void>> sends = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            DecisionRecord d = stored.get(i);
            registry.counter("governance_decisions_total", "verdict", d.verdict(), "reason",
                    d.reason() == null ? "none" : d.reason()).increment();
            if (d.degraded()) {
                registry.counter("governance_degraded_decisions_total").increment();
            }
            KafkaRecord<String, CloudEvent> record = records.get(i);
            // Kafka refusing the event for good (too large with the decision's headers) would fail every retry of
            // the batch: the event is dead-lettered instead, and the partition moves on.
            sends.add(forward(events.get(i), d).onFailure(KafkaRefusals::refusedForGood).recoverWithUni(e ->
                    deadLetters.send(record, "cannot_forward", "Kafka refused the " + d.verdict() + " event: " + e)));
        }
        stream.publishAll(stored);
        // Subscribed in order, so events of one partition key leave in the order they came.
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    /** Under a span of the event's trace, whose context the approved event carries on to the dispatcher. */
    private Uni<Void> forward(TriggerEvent decided, DecisionRecord stored) {
        return TraceContext.traced(tracer, "governance decision", SpanKind.CONSUMER, decided,
                event -> forwardTraced(event, stored));
    }

    private Uni<Void> forwardTraced(TriggerEvent event, DecisionRecord stored) {
        Verdict standing = stored.toVerdict();
        if (standing.approved()) {
            return KafkaSend.send(approved, TriggerEventCodec.toCloudEvent(event), event.partitionKey());
        }
        RunOutcome outcome = new RunOutcome(event.id(), event.tenantId(), event.eventName(), event.type().wire(),
                RunStatus.REJECTED, standing.reason().wire(), null, null, standing.detail(), null, 0, 0, null,
                null, standing.retryAfter(), OffsetDateTime.now(ZoneOffset.UTC), event.source(), event.workflowId());
        CloudEvent withReason = io.cloudevents.core.builder.CloudEventBuilder.from(TriggerEventCodec.toCloudEvent(event))
                .withExtension(REJECT_REASON, standing.reason().wire()).build();
        return KafkaSend.send(rejected, withReason, event.partitionKey())
                .chain(() -> KafkaSend.send(outcomes, RunOutcomeCodec.toCloudEvent(outcome, PRODUCER),
                        event.partitionKey()));
    }
}
