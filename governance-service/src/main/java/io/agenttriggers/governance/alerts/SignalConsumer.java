package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.signal.Signal;
import io.agenttriggers.common.signal.SignalCodec;
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
 * Evaluates the tenants' rules over other services' signals ({@code triggers.signals}: cron misfires, verification
 * failures, the runtime breaker), a poll's batch at a time, applied with the records' offsets like outcomes so a
 * redelivered signal never notifies twice. A signal no enabled rule counts costs only its decoding; a malformed one
 * is skipped (a signal is a hint, not an accepted event).
 */
@ApplicationScoped
public class SignalConsumer {

    public static final String CHANNEL = "signals-alerts";

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
                Signal signal;
                try {
                    signal = SignalCodec.fromCloudEvent(record.getPayload());
                } catch (RuntimeException e) {
                    registry.counter("governance_alert_signals_skipped_total").increment();
                    continue;
                }
                String state = Signal.RUNTIME_PAUSED.equals(signal.kind()) ? "open"
                        : Signal.RUNTIME_RESUMED.equals(signal.kind()) ? "closed" : null;
                Observation observation = Observation.signal(signal.at().toInstant(), signal.count(),
                        signal.detail(), state);
                long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow().getOffset();
                for (AlertRules.Rule rule : rules.matching(signal)) {
                    topic = record.getTopic();
                    pending.add(new AlertLedger.Pending(record.getPartition(), offset, rule, rule.groupKey(signal),
                            rule.spec().tenantId(), observation));
                }
            }
            if (pending.isEmpty()) {
                return Uni.createFrom().completionStage(batch.ack());
            }
            registry.counter("governance_alert_observations_total").increment(pending.size());
            return recorder.record(topic, pending, pending.size() + " signal(s)")
                    .chain(() -> Uni.createFrom().completionStage(batch.ack()));
        });
    }
}
