package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.Policy;
import io.agenttriggers.governance.domain.PolicySpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Declarative policies: a YAML file ({@code policies: [ ... ]}, the same fields as the REST API, {@code ${ENV}} and
 * {@code ${ENV:default}} placeholders allowed) reconciled into the database at start and whenever its content
 * changes, for operators who keep configuration in Git or a ConfigMap. The file is applied whole or not at all:
 * one invalid entry, and the previous state stays, with the errors logged. Policies it creates are
 * {@code managedBy: file} and refuse REST edits; policies the API created are never taken over.
 */
@ApplicationScoped
public class PolicyFile {

    private static final Logger LOG = Logger.getLogger(PolicyFile.class);

    @Inject
    GovernanceConfig config;

    @Inject
    PolicyStore store;

    @Inject
    PolicyCache cache;

    @Inject
    MeterRegistry registry;

    void registerCounters(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ignored) {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter("governance_policies_file_errors_total");
    }

    private volatile String appliedHash;

    /** The result of one reconciliation, for logs and tests. */
    public record Applied(int created, int updated, int deleted, List<String> errors) {
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

    /** Applies the file if its content changed since the last application. */
    public Uni<Applied> reconcileIfChanged() {
        Path file = Path.of(config.policiesFile().orElseThrow());
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Uni.createFrom().item(fail("cannot read " + file + ": " + e.getMessage()));
        }
        String hash = DeclarativeFiles.sha256(text);
        if (hash.equals(appliedHash)) {
            return Uni.createFrom().item(new Applied(0, 0, 0, List.of()));
        }
        return reconcile(text, System::getenv).invoke(applied -> {
            // Remember the content either way, so a broken file is reported once, not every poll.
            appliedHash = hash;
            if (applied.errors().isEmpty()) {
                LOG.infof("Policies file %s applied: %d created, %d updated, %d deleted", file, applied.created(),
                        applied.updated(), applied.deleted());
            } else {
                LOG.errorf("Policies file %s not (fully) applied: %s", file, String.join("; ", applied.errors()));
            }
        });
    }

    private Applied fail(String error) {
        registry.counter("governance_policies_file_errors_total").increment();
        return new Applied(0, 0, 0, List.of(error));
    }

    /** Parses, validates and applies the file's text; environment lookups go through {@code env}. */
    public Uni<Applied> reconcile(String text, Function<String, String> env) {
        List<String> errors = new ArrayList<>();
        List<PolicySpec> entries = DeclarativeFiles.entries(text, "policies", PolicySpec.class, env, errors).stream()
                .map(PolicySpec::normalized).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            PolicySpec spec = entries.get(i);
            for (FieldError problem : spec.problems()) {
                errors.add("policies[" + i + "]." + problem.field() + " " + problem.message());
            }
            if (!seen.add(spec.tenantId() + "/" + spec.name())) {
                errors.add("policies[" + i + "] repeats " + (spec.tenantId() == null ? "global" : spec.tenantId())
                        + "/" + spec.name());
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> registry.counter("governance_policies_file_errors_total").increment());
            return Uni.createFrom().item(new Applied(0, 0, 0, errors));
        }
        return apply(entries).call(() -> cache.refresh());
    }

    private Uni<Applied> apply(List<PolicySpec> entries) {
        int[] counts = new int[3];
        List<String> errors = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        return Multi.createFrom().iterable(entries)
                .onItem().transformToUniAndConcatenate(spec -> upsert(spec, counts, errors, keep))
                .collect().asList()
                .chain(() -> store.fileManaged())
                .chain(managed -> Multi.createFrom().iterable(managed)
                        .filter(p -> !keep.contains(p.id()))
                        .onItem().transformToUniAndConcatenate(p -> store.delete(p.id()).invoke(() -> counts[2]++))
                        .collect().asList())
                .map(ignored -> new Applied(counts[0], counts[1], counts[2], errors));
    }

    private Uni<Void> upsert(PolicySpec spec, int[] counts, List<String> errors, Set<String> keep) {
        return store.findByName(spec.tenantId(), spec.name()).chain(found -> {
            if (found.isEmpty()) {
                return store.create(spec, "file")
                        .invoke(created -> {
                            keep.add(created.id());
                            counts[0]++;
                        })
                        // Another replica created it at the same moment: fine, it is the same entry.
                        .onFailure(PolicyStore.NameTaken.class).recoverWithNull()
                        .replaceWithVoid();
            }
            Policy existing = found.get();
            if (!"file".equals(existing.managedBy())) {
                errors.add((spec.tenantId() == null ? "global" : spec.tenantId()) + "/" + spec.name()
                        + " exists and is managed through the API; left alone");
                return Uni.createFrom().voidItem();
            }
            keep.add(existing.id());
            return Objects.equals(existing.spec(), spec) ? Uni.createFrom().voidItem()
                    : store.update(existing.id(), spec, null, "file_sync").invoke(u -> counts[1]++).replaceWithVoid();
        });
    }
}
