package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.declarative.FileReconciler;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Declarative policies: a YAML file ({@code policies: [ ... ]}, the same fields as the REST API) reconciled into the
 * database at start and whenever its content changes, for operators who keep configuration in Git or a ConfigMap.
 * Policies it creates are {@code managedBy: file} and refuse REST edits; policies the API created are never taken
 * over ({@link FileReconciler}).
 */
@ApplicationScoped
public class PolicyFile extends FileReconciler<PolicySpec, Policy> {

    private static final Logger LOG = Logger.getLogger(PolicyFile.class);
    private static final String ERRORS = "governance_policies_file_errors_total";

    @Inject
    GovernanceConfig config;

    @Inject
    PolicyStore store;

    @Inject
    PolicyCache cache;

    @Inject
    MeterRegistry registry;

    public PolicyFile() {
        super("policies", PolicySpec.class, "Policies file");
    }

    void registerCounters(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ignored) {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter(ERRORS);
    }

    @Scheduled(every = "${triggers.governance.policies-file-interval:PT2S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NoFile.class)
    Uni<Void> poll() {
        return reconcileIfChanged().replaceWithVoid().onFailure().recoverWithItem(e -> {
            LOG.errorf("Reconciling the policies file failed: %s", e.toString());
            return null;
        });
    }

    /** Skips the schedule when no file is configured. */
    @ApplicationScoped
    public static class NoFile implements Scheduled.SkipPredicate {
        @Inject
        GovernanceConfig config;

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return config.policiesFile().isEmpty();
        }
    }

    /** Applies the configured file if its content changed since the last application. */
    public Uni<Applied> reconcileIfChanged() {
        return reconcileIfChanged(Path.of(config.policiesFile().orElseThrow()));
    }

    @Override
    protected PolicySpec normalized(PolicySpec spec) {
        return spec.normalized();
    }

    @Override
    protected List<FieldError> problems(PolicySpec spec) {
        return spec.problems();
    }

    @Override
    protected String key(PolicySpec spec) {
        return (spec.tenantId() == null ? "global" : spec.tenantId()) + "/" + spec.name();
    }

    @Override
    protected String storedKey(Policy policy) {
        return key(policy.spec());
    }

    @Override
    protected Uni<List<Policy>> fileManaged() {
        return store.fileManaged();
    }

    @Override
    protected Uni<Boolean> heldByOthers(PolicySpec spec) {
        return store.findByName(spec.tenantId(), spec.name()).map(found -> found.isPresent());
    }

    @Override
    protected boolean same(PolicySpec spec, Policy policy) {
        return Objects.equals(policy.spec(), spec);
    }

    @Override
    protected Uni<?> create(PolicySpec spec) {
        return store.create(spec, "file");
    }

    @Override
    protected Uni<?> update(Policy policy, PolicySpec spec) {
        return store.update(policy.id(), spec, null, "file_sync");
    }

    @Override
    protected Uni<?> delete(Policy policy) {
        return store.delete(policy.id());
    }

    @Override
    protected boolean raced(Throwable failure) {
        return failure instanceof NameTaken;
    }

    @Override
    protected Uni<Void> applied() {
        return cache.refresh();
    }

    @Override
    protected void counted(int errors) {
        registry.counter(ERRORS).increment(errors);
    }
}
