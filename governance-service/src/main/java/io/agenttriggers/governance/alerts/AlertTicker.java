package io.agenttriggers.governance.alerts;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Time passing moves alerts too: a failure-ratio window slides past its failures, a latency window empties, a
 * dead-letter alert goes quiet. Firing alerts are evaluated again every {@code alerts.tick}, a bounded number per
 * round, each under its row lock (another replica's round skips it). The same tick reads quota and budget use for
 * budget-share rules ({@link BudgetWatch}).
 */
@ApplicationScoped
public class AlertTicker {

    private static final Logger LOG = Logger.getLogger(AlertTicker.class);
    static final int PER_ROUND = 500;

    @Inject
    AlertRules rules;

    @Inject
    AlertLedger ledger;

    @Inject
    AlertDelivery delivery;

    @Inject
    BudgetWatch budgets;

    @Scheduled(every = "${triggers.governance.alerts.tick:PT15S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return rules.ready().chain(() -> ledger.tick(rules, PER_ROUND))
                .chain(written -> budgets.round().map(more -> written + more)
                        .onFailure().recoverWithItem(e -> {
                            LOG.debugf("Budget watch failed: %s", e.toString());
                            return written;
                        }))
                .invoke(delivery::sendNew)
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("Alert tick failed: %s", e.toString());
                    return null;
                });
    }
}
