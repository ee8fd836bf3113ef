package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Evaluates the tenants' alert rules over run outcomes, a poll's batch at a time, in its own consumer group so that
 * alerting never holds back the feedback that governance decisions depend on. An outcome no enabled rule counts costs
 * only its decoding; a tenant's rules see only its own outcomes.
 */
@ApplicationScoped
public class AlertConsumer {

    public static final String CHANNEL = "outcomes-alerts";

    @Inject
    AlertRules rules;

    @Inject
    AlertRecorder recorder;

    @Inject
    MeterRegistry registry;

    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, CloudEvent> batch) {
        return rules.ready().chain(() -> {
            List<AlertLedger.Pending> pending = new ArrayList<>();
            String topic = null;
            for (KafkaRecord<String, CloudEvent> record : batch.getRecords()) {
                RunOutcome outcome;
                try {
                    outcome = RunOutcomeCodec.fromCloudEvent(record.getPayload());
                } catch (RuntimeException e) {
                    // The feedback consumer dead-letters a bad outcome record; here it is only skipped.
                    continue;
                }
                for (AlertRules.Rule rule : rules.matching(outcome)) {
                    topic = record.getTopic();
                    long ms = rule.latencyMs(outcome);
                    pending.add(new AlertLedger.Pending(record.getPartition(), offset(record), rule,
                            rule.groupKey(outcome), outcome.tenantId(), new Observation(outcome.runId(),
                                    outcome.status(), ms, outcome.finishedAt().toInstant())));
                }
            }
            if (pending.isEmpty()) {
                return Uni.createFrom().completionStage(batch.ack());
            }
            registry.counter("governance_alert_observations_total").increment(pending.size());
            return recorder.record(topic, pending, pending.size() + " outcome(s)")
                    .chain(() -> Uni.createFrom().completionStage(batch.ack()));
        });
    }

    private static long offset(KafkaRecord<String, CloudEvent> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow().getOffset();
    }
}
