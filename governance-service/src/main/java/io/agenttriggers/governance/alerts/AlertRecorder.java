package io.agenttriggers.governance.alerts;

import io.agenttriggers.governance.config.GovernanceConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Records observations that came with Kafka offsets (outcomes, breaker moves, signals): applied exactly once with
 * their offsets, retried until they hold, since their records are acknowledged only after, and what they wrote is
 * sent at once.
 */
@ApplicationScoped
public class AlertRecorder {

    private static final Logger LOG = Logger.getLogger(AlertRecorder.class);

    @Inject
    AlertLedger ledger;

    @Inject
    AlertDelivery delivery;

    @Inject
    GovernanceConfig config;

    /** Applies {@code pending} read from {@code topic}; {@code what} names them in the log of a failed attempt. */
    public Uni<Void> record(String topic, List<AlertLedger.Pending> pending, String what) {
        if (pending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return ledger.apply(topic, pending)
                .onFailure().invoke(e -> LOG.warnf("Evaluating alert rules over %s failed, retrying: %s", what,
                        e.getCause() == null ? e.toString() : e + " (" + e.getCause() + ")"))
                .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely()
                .invoke(delivery::sendNew)
                .replaceWithVoid();
    }
}
