package io.agenttriggers.governance.messaging;

import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.KafkaSend;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
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
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Decides every event of {@code triggers.inbound}: the decision is stored, then the event goes to
 * {@code triggers.approved} or to {@code triggers.rejected} with an outcome, and only then is the record
 * acknowledged. A failure (PostgreSQL down, Kafka down) is retried with backoff until it succeeds, so the service
 * stops consuming rather than deciding without an audit trail, and no event is lost or skipped. Redelivered events
 * keep their first decision: the Redis script remembers it per run and the audit row is never overwritten.
 */
@ApplicationScoped
public class InboundConsumer {

    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);
    static final String PRODUCER = "/governance-service";

    @Inject
    PolicyEngine engine;

    @Inject
    DecisionLog decisions;

    @Inject
    DecisionStream stream;

    @Inject
    GovernanceConfig config;

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
        latency = Timer.builder("governance_decision_latency")
                .description("Time to evaluate the policies of one event (Redis included, audit write excluded)")
                .publishPercentileHistogram().register(registry);
    }

    @Incoming(Topics.INBOUND)
    public Uni<Void> consume(Message<CloudEvent> message) {
        TriggerEvent event;
        try {
            event = TriggerEventCodec.fromCloudEvent(message.getPayload());
        } catch (InvalidEventException e) {
            // Not a trigger event (or undeserializable): nothing can run it; count it and move on.
            LOG.warnf("Skipping a record of %s that breaks the event contract: %s", Topics.INBOUND, e.getMessage());
            registry.counter("governance_invalid_events_total").increment();
            return Uni.createFrom().completionStage(message.ack());
        }
        return decide(event)
                .onFailure().invoke(e -> LOG.warnf("Deciding event %s failed, retrying: %s", event.id(), e.toString()))
                .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff())
                .indefinitely()
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }

    private Uni<Void> decide(TriggerEvent event) {
        long started = System.nanoTime();
        return engine.decide(event).chain(decision -> {
            long micros = (System.nanoTime() - started) / 1000;
            latency.record(micros, TimeUnit.MICROSECONDS);
            return decisions.record(event, decision.verdict(), micros);
        }).chain(stored -> {
            registry.counter("governance_decisions_total", "verdict", stored.verdict(), "reason",
                    stored.reason() == null ? "none" : stored.reason()).increment();
            if (stored.degraded()) {
                registry.counter("governance_degraded_decisions_total").increment();
            }
            stream.publish(stored);
            return forward(event, stored);
        });
    }

    private Uni<Void> forward(TriggerEvent event, DecisionRecord stored) {
        Verdict standing = stored.toVerdict();
        if (standing.approved()) {
            return KafkaSend.send(approved, TriggerEventCodec.toCloudEvent(event), event.partitionKey());
        }
        RunOutcome outcome = new RunOutcome(event.id(), event.tenantId(), event.eventName(), event.type().wire(),
                RunStatus.REJECTED, standing.reason().wire(), null, null, standing.detail(), null, 0, 0, null,
                null, standing.retryAfter(), OffsetDateTime.now(ZoneOffset.UTC));
        return KafkaSend.send(rejected, TriggerEventCodec.toCloudEvent(event), event.partitionKey())
                .chain(() -> KafkaSend.send(outcomes, RunOutcomeCodec.toCloudEvent(outcome, PRODUCER),
                        event.partitionKey()));
    }
}
