package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.governance.domain.Keys;
import io.agenttriggers.governance.persistence.GovernanceState.Transition;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Circuit-open rules: a breaker that an outcome opened or closed is an observation for the outcome tenant's rules,
 * applied with the outcome record's offset like any batch (under its own offset key), so a redelivered outcome never
 * notifies twice. Only the replica that applied the outcome sees the transition, as the breaker moves in one Redis
 * script.
 */
@ApplicationScoped
public class CircuitAlerts {

    private static final String PREFIX = Keys.PREFIX + "cb:";

    @Inject
    AlertRules rules;

    @Inject
    AlertRecorder recorder;

    public Uni<Void> observed(Message<?> message, RunOutcome outcome, List<Transition> transitions) {
        if (transitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<AlertRules.Rule> matching = rules.circuitRules(outcome);
        IncomingKafkaRecordMetadata<?, ?> where = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        if (matching.isEmpty() || where == null) {
            return Uni.createFrom().voidItem();
        }
        List<AlertLedger.Pending> pending = new ArrayList<>();
        for (Transition t : transitions) {
            String circuit = t.key().startsWith(PREFIX) ? t.key().substring(PREFIX.length()) : t.key();
            String state = t.state().startsWith("half") ? "half_open" : t.state();
            for (AlertRules.Rule rule : matching) {
                pending.add(new AlertLedger.Pending(where.getPartition(), where.getOffset(), rule, circuit,
                        outcome.tenantId(), new Observation(outcome.runId(), outcome.status(), 0,
                                outcome.finishedAt().toInstant(), state)));
            }
        }
        return recorder.record("circuits:" + where.getTopic(), pending, "the breaker moves of run " + outcome.runId());
    }
}
