package io.agenttriggers.dispatcher.persistence;

import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The leases of the runs this replica executes, renewed together (one statement) every third of
 * {@code triggers.dispatcher.run-lease}, so a run is never taken over while its execution lives; one whose replica
 * died is, once its lease lapsed. Only runs held for a third of the lease or longer are renewed: the claim took a
 * whole lease, so such a run has at least a third of it left at the next renewal, and the many runs that end within
 * a fraction of a second never cost a row update (nor contend for their row locks with their own finish).
 */
@ApplicationScoped
public class RunLeases {

    private static final Logger LOG = Logger.getLogger(RunLeases.class);

    @Inject
    RunLedger ledger;

    @Inject
    DispatcherConfig config;

    @Inject
    Vertx vertx;

    /** An execution holding its run since a time (System.nanoTime). */
    private record Hold(UUID owner, long since) {
    }

    /** Run id to the execution that holds it here. */
    private final Map<UUID, Hold> held = new ConcurrentHashMap<>();
    private long timer = -1;
    private volatile boolean renewing;

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(Math.max(100, config.runLease().toMillis() / 3), id -> renew());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public void hold(String runId, UUID owner) {
        held.put(UUID.fromString(runId), new Hold(owner, System.nanoTime()));
    }

    public void release(String runId, UUID owner) {
        held.computeIfPresent(UUID.fromString(runId), (run, hold) -> hold.owner().equals(owner) ? null : hold);
    }

    /** How many runs this replica holds now. */
    public int size() {
        return held.size();
    }

    private void renew() {
        if (renewing || held.isEmpty()) {
            return;
        }
        long heldBefore = System.nanoTime() - config.runLease().toNanos() / 3;
        java.util.List<UUID> runs = new java.util.ArrayList<>();
        java.util.List<UUID> owners = new java.util.ArrayList<>();
        held.forEach((run, hold) -> {
            if (hold.since() - heldBefore <= 0) {
                runs.add(run);
                owners.add(hold.owner());
            }
        });
        if (runs.isEmpty()) {
            return;
        }
        renewing = true;
        ledger.renewLeases(runs.toArray(UUID[]::new), owners.toArray(UUID[]::new), config.runLease())
                .subscribe().with(renewed -> renewing = false, failure -> {
                    renewing = false;
                    LOG.warnf("Could not renew the leases of %d runs (%s); retrying in %s", runs.size(),
                            failure.toString(), config.runLease().dividedBy(3));
                });
    }
}
