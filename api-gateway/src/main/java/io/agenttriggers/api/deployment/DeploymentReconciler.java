package io.agenttriggers.api.deployment;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Brings pending deployments to their version: every {@value #EVERY_MS} ms it leases the workflows that are due (a
 * part was unreachable, a newer version superseded one in flight, a replica died mid-way) and reconciles them. Every
 * replica runs it; a lease keeps each workflow with one replica at a time.
 */
@ApplicationScoped
public class DeploymentReconciler {

    private static final Logger LOG = Logger.getLogger(DeploymentReconciler.class);
    static final long EVERY_MS = 2_000;
    /** Workflows one pass takes on; the rest wait for the next pass. */
    static final int BATCH = 10;

    @Inject
    DeploymentStore store;

    @Inject
    DeploymentController controller;

    @Inject
    Vertx vertx;

    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(EVERY_MS, id -> pass());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void pass() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        store.leaseDue(BATCH)
                .chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(d -> controller.reconcile(d)
                                .onFailure().invoke(e -> LOG.warnf("Deployment %s/%s not reconciled: %s",
                                        d.tenantId(), d.workflowId(), e.toString()))
                                .onFailure().recoverWithNull())
                        .collect().asList())
                .subscribe().with(done -> running.set(false), e -> {
                    running.set(false);
                    LOG.debugf("Deployment reconciliation pass failed: %s", e.toString());
                });
    }
}
