package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.webhook.api.EndpointRequest;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.AuthType;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
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
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Declarative endpoints: a YAML file ({@code endpoints: [ ... ]}, the same fields as the REST API plus
 * {@code secret}) reconciled into the database at start and whenever its content changes. The file is applied
 * whole or not at all: one invalid entry, and the previous state stays, with the errors logged. Endpoints it
 * creates are {@code managedBy: file} and refuse REST edits; endpoints the API created are never taken over.
 */
@ApplicationScoped
public class EndpointFile {

    private static final Logger LOG = Logger.getLogger(EndpointFile.class);

    @Inject
    WebhookGatewayConfig config;

    @Inject
    EndpointStore store;

    @Inject
    EndpointCache cache;

    @Inject
    MeterRegistry registry;

    void registerCounters(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ignored) {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter("webhook_endpoints_file_errors_total");
    }

    private volatile String appliedHash;

    /** The result of one reconciliation, for logs and tests. */
    public record Applied(int created, int updated, int deleted, List<String> errors) {
    }

    @Scheduled(every = "${triggers.webhook-gateway.endpoints-file-interval:PT2S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = NoFile.class)
    Uni<Void> poll() {
        return reconcileIfChanged().replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf("Reconciling the endpoints file failed: %s", e.toString());
                    return null;
                });
    }

    /** Skips the schedule when no file is configured. */
    @ApplicationScoped
    public static class NoFile implements Scheduled.SkipPredicate {
        @Inject
        WebhookGatewayConfig config;

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return config.endpointsFile().isEmpty();
        }
    }

    /** Applies the file if its content changed since the last successful application. */
    public Uni<Applied> reconcileIfChanged() {
        Path file = Path.of(config.endpointsFile().orElseThrow());
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
            if (applied.errors().isEmpty()) {
                appliedHash = hash;
                LOG.infof("Endpoints file %s applied: %d created, %d updated, %d deleted", file, applied.created(),
                        applied.updated(), applied.deleted());
            } else {
                // Remember the content anyway, so a broken file is reported once, not every poll.
                appliedHash = hash;
                LOG.errorf("Endpoints file %s not applied: %s", file, String.join("; ", applied.errors()));
            }
        });
    }

    private Applied fail(String error) {
        registry.counter("webhook_endpoints_file_errors_total").increment();
        return new Applied(0, 0, 0, List.of(error));
    }

    /** Parses, validates and applies the file's text; environment lookups go through {@code env}. */
    public Uni<Applied> reconcile(String text, Function<String, String> env) {
        List<String> errors = new ArrayList<>();
        List<EndpointRequest> entries = DeclarativeFiles.entries(text, "endpoints", EndpointRequest.class, env, errors);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            EndpointRequest entry = entries.get(i);
            EndpointSpec spec = entry.spec();
            for (FieldError problem : spec.problems(entry.secret())) {
                errors.add("endpoints[" + i + "]." + problem.field() + " " + problem.message());
            }
            if (spec.auth() != null && spec.auth().type() != AuthType.NONE && entry.secret() == null) {
                errors.add("endpoints[" + i + "].secret is required: secrets of file endpoints come from the file");
            }
            if (!seen.add(spec.tenantId() + "/" + spec.name())) {
                errors.add("endpoints[" + i + "] repeats " + spec.tenantId() + "/" + spec.name());
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> registry.counter("webhook_endpoints_file_errors_total").increment());
            return Uni.createFrom().item(new Applied(0, 0, 0, errors));
        }
        return apply(entries);
    }

    private Uni<Applied> apply(List<EndpointRequest> entries) {
        int[] counts = new int[3];
        List<String> errors = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        return Multi.createFrom().iterable(entries)
                .onItem().transformToUniAndConcatenate(entry -> upsert(entry, counts, errors, keep))
                .collect().asList()
                .chain(() -> store.fileManaged())
                .chain(managed -> Multi.createFrom().iterable(managed)
                        .filter(e -> !keep.contains(e.id()))
                        .onItem().transformToUniAndConcatenate(e -> store.delete(e.id()).invoke(() -> {
                            cache.invalidate(e.id());
                            counts[2]++;
                        }))
                        .collect().asList())
                .map(ignored -> new Applied(counts[0], counts[1], counts[2], errors));
    }

    private Uni<Void> upsert(EndpointRequest entry, int[] counts, List<String> errors, Set<String> keep) {
        EndpointSpec spec = entry.spec();
        String secret = entry.spec().auth().type() == AuthType.NONE ? null : entry.secret();
        return store.findByName(spec.tenantId(), spec.name()).chain(found -> {
            if (found.isEmpty()) {
                return store.create(spec, secret, "file")
                        .invoke(created -> {
                            keep.add(created.id());
                            counts[0]++;
                        })
                        .onFailure(EndpointStore.NameTaken.class).recoverWithNull()
                        .replaceWithVoid();
            }
            Endpoint existing = found.get();
            if (!"file".equals(existing.managedBy())) {
                errors.add(spec.tenantId() + "/" + spec.name() + " exists and is managed through the API; left alone");
                return Uni.createFrom().voidItem();
            }
            keep.add(existing.id());
            Uni<Void> config = Objects.equals(existing.spec(), spec) ? Uni.createFrom().voidItem()
                    : store.update(existing.id(), spec, null, "file_sync").invoke(u -> counts[1]++).replaceWithVoid();
            boolean secretChanged = secret != null
                    && (existing.secrets().isEmpty() || !existing.secrets().get(0).equals(secret));
            Uni<Void> rotation = !secretChanged ? Uni.createFrom().voidItem()
                    : store.rotate(existing.id(), secret, OffsetDateTime.now(ZoneOffset.UTC).plus(Duration.ofHours(24)))
                            .replaceWithVoid();
            return config.chain(() -> rotation).invoke(() -> cache.invalidate(existing.id()));
        });
    }
}
