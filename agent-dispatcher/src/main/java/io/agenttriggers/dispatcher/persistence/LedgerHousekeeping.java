package io.agenttriggers.dispatcher.persistence;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Every 30 s: counts dead-lettered runs for {@code dispatcher_dlq_size}, and deletes idempotency claims whose window
 * ended (in bounded batches), so the claim table holds one window of keys, not the whole history.
 */
@ApplicationScoped
public class LedgerHousekeeping {

    private static final Logger LOG = Logger.getLogger(LedgerHousekeeping.class);

    @Inject
    RunLedger ledger;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private final AtomicLong size = new AtomicLong();

    void start(@Observes StartupEvent ignored) {
        registry.gauge("dispatcher_dlq_size", size, AtomicLong::get);
        run();
        vertx.setPeriodic(30_000, id -> run());
    }

    private void run() {
        ledger.deadLettered().subscribe().with(size::set, e -> {
        });
        ledger.purgeExpiredClaims().subscribe().with(n -> {
            if (n > 0) {
                LOG.debugf("Purged %d expired idempotency claims", n);
            }
        }, e -> LOG.debugf("Purging expired idempotency claims failed: %s", e.toString()));
    }
}
