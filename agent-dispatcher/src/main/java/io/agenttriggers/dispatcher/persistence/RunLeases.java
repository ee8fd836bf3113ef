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
 * died is, once its lease lapsed.
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

    /** Run id to the execution that holds it here. */
    private final Map<UUID, UUID> held = new ConcurrentHashMap<>();
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
        held.put(UUID.fromString(runId), owner);
    }

    public void release(String runId, UUID owner) {
        held.remove(UUID.fromString(runId), owner);
    }

    /** How many runs this replica holds now. */
    public int size() {
        return held.size();
    }

    private void renew() {
        if (renewing || held.isEmpty()) {
            return;
        }
        renewing = true;
        java.util.List<UUID> runs = new java.util.ArrayList<>(held.size());
        java.util.List<UUID> owners = new java.util.ArrayList<>(held.size());
        held.forEach((run, owner) -> {
            runs.add(run);
            owners.add(owner);
        });
        ledger.renewLeases(runs.toArray(UUID[]::new), owners.toArray(UUID[]::new), config.runLease())
                .subscribe().with(renewed -> renewing = false, failure -> {
                    renewing = false;
                    LOG.warnf("Could not renew the leases of %d runs (%s); retrying in %s", held.size(),
                            failure.toString(), config.runLease().dividedBy(3));
                });
    }
}
