package io.agenttriggers.governance.persistence;

import io.agenttriggers.governance.domain.CompiledPolicy;
import io.agenttriggers.governance.domain.Policy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The compiled policy set every decision reads. It reloads when the policy epoch moved (polled every
 * {@code triggers.governance.policy-refresh}, and at once after this replica's own writes), so a change is in force
 * on every replica within about a second. Decisions wait for the first load: an event is never decided against an
 * empty set just because the service has only started. Compiling CEL is work in proportion to the policies, so it
 * runs on a worker thread, never on the event loop, and a reload compiles only the policies whose version changed.
 */
@ApplicationScoped
public class PolicyCache {

    private static final Logger LOG = Logger.getLogger(PolicyCache.class);

    @Inject
    PolicyStore store;

    @Inject
    MeterRegistry registry;

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile List<CompiledPolicy> policies = List.of();
    private volatile long epoch = -1;

    void start(@Observes StartupEvent ignored) {
        registry.gauge("governance_policies", this, c -> c.policies.size());
        refresh().subscribe().with(x -> {
        }, e -> LOG.warnf("Could not load the policies yet (%s); retrying", e.toString()));
    }

    /** The current set, ordered highest priority first; waits for the first load. */
    public Uni<List<CompiledPolicy>> current() {
        if (loaded.isDone()) {
            return Uni.createFrom().item(policies);
        }
        return Uni.createFrom().completionStage(loaded).map(x -> policies);
    }

    @Scheduled(every = "${triggers.governance.policy-refresh:PT1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return refresh().onFailure().recoverWithItem(e -> {
            LOG.debugf("Policy refresh failed: %s", e.toString());
            return null;
        });
    }

    /**
     * Reloads when the epoch moved since the last load. Loads may overlap (a poll and a write's refresh); a load
     * that finishes after a newer one is dropped, so the set only ever moves forward.
     */
    public Uni<Void> refresh() {
        return store.epoch().chain(seen -> {
            if (seen == epoch) {
                return Uni.createFrom().voidItem();
            }
            // On a worker thread; the result comes back on the caller's context (a request's stays active).
            return store.all().chain(all -> vertx.executeBlocking(Uni.createFrom().item(() -> compile(all,
                    policies)))).map(compiled -> {
                synchronized (this) {
                    if (seen > epoch) {
                        policies = compiled;
                        epoch = seen;
                    }
                }
                loaded.complete(null);
                return (Void) null;
            });
        });
    }

    /** The set of {@code all}, reusing the compiled form of every policy {@code previous} holds at the same version. */
    private List<CompiledPolicy> compile(List<Policy> all, List<CompiledPolicy> previous) {
        Map<String, CompiledPolicy> known = new HashMap<>();
        previous.forEach(c -> known.put(c.policy().id(), c));
        List<CompiledPolicy> out = new ArrayList<>(all.size());
        for (Policy p : all) {
            CompiledPolicy same = known.get(p.id());
            if (same != null && same.policy().version() == p.version()) {
                out.add(same);
                continue;
            }
            try {
                out.add(new CompiledPolicy(p));
            } catch (RuntimeException e) {
                // Stored policies were validated; one that no longer compiles is skipped loudly, not fatally.
                LOG.errorf("Policy %s (%s) does not compile and is ignored: %s", p.id(), p.spec().name(),
                        e.getMessage());
                registry.counter("governance_policy_compile_errors_total").increment();
            }
        }
        out.sort(CompiledPolicy.ORDER);
        return List.copyOf(out);
    }
}
