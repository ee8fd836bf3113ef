package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.declarative.FileReconciler;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.versioned.NameTaken;
import io.agenttriggers.webhook.api.EndpointRequest;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.AuthType;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Declarative endpoints: a YAML file ({@code endpoints: [ ... ]}, the same fields as the REST API plus
 * {@code secret}) reconciled into the database at start and whenever its content changes. Endpoints it creates are
 * {@code managedBy: file} and refuse REST edits; endpoints the API created are never taken over
 * ({@link FileReconciler}). A changed secret is rotated, the old one verifying for 24 hours.
 */
@ApplicationScoped
public class EndpointFile extends FileReconciler<EndpointRequest, Endpoint> {

    private static final Logger LOG = Logger.getLogger(EndpointFile.class);
    private static final String ERRORS = "webhook_endpoints_file_errors_total";

    @Inject
    WebhookGatewayConfig config;

    @Inject
    EndpointStore store;

    @Inject
    EndpointCache cache;

    @Inject
    MeterRegistry registry;

    public EndpointFile() {
        super("endpoints", EndpointRequest.class, "Endpoints file");
    }

    void registerCounters(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ignored) {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter(ERRORS);
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

    /** Applies the configured file if its content changed since the last application. */
    public Uni<Applied> reconcileIfChanged() {
        return reconcileIfChanged(Path.of(config.endpointsFile().orElseThrow()));
    }

    @Override
    protected List<FieldError> problems(EndpointRequest entry) {
        EndpointSpec spec = entry.spec();
        List<FieldError> problems = new ArrayList<>(spec.problems(entry.secret()));
        if (spec.auth() != null && spec.auth().type().hasSecret() && entry.secret() == null) {
            problems.add(new FieldError("secret", "is required: secrets of file endpoints come from the file"));
        }
        return problems;
    }

    @Override
    protected String key(EndpointRequest entry) {
        return entry.spec().tenantId() + "/" + entry.spec().name();
    }

    @Override
    protected String storedKey(Endpoint endpoint) {
        return endpoint.spec().tenantId() + "/" + endpoint.spec().name();
    }

    @Override
    protected Uni<List<Endpoint>> fileManaged() {
        return store.fileManaged();
    }

    @Override
    protected Uni<Boolean> heldByOthers(EndpointRequest entry) {
        return store.findByName(entry.spec().tenantId(), entry.spec().name()).map(found -> found.isPresent());
    }

    /** The secret the endpoint verifies with: none when it authenticates nothing. */
    private static String secret(EndpointRequest entry) {
        return entry.spec().auth().type().hasSecret() ? entry.secret() : null;
    }

    private static boolean secretChanged(EndpointRequest entry, Endpoint endpoint) {
        String secret = secret(entry);
        return secret != null && (endpoint.secrets().isEmpty() || !endpoint.secrets().get(0).equals(secret));
    }

    @Override
    protected boolean same(EndpointRequest entry, Endpoint endpoint) {
        return Objects.equals(endpoint.spec(), entry.spec()) && !secretChanged(entry, endpoint);
    }

    @Override
    protected Uni<?> create(EndpointRequest entry) {
        return store.create(entry.spec(), secret(entry), "file");
    }

    @Override
    protected Uni<?> update(Endpoint endpoint, EndpointRequest entry) {
        Uni<Void> config = Objects.equals(endpoint.spec(), entry.spec()) ? Uni.createFrom().voidItem()
                : store.update(endpoint.id(), entry.spec(), null, "file_sync").replaceWithVoid();
        Uni<Void> rotation = !secretChanged(entry, endpoint) ? Uni.createFrom().voidItem()
                : store.rotate(endpoint.id(), secret(entry), OffsetDateTime.now(ZoneOffset.UTC)
                        .plus(Duration.ofHours(24))).replaceWithVoid();
        return config.chain(() -> rotation).invoke(() -> cache.invalidate(endpoint.id()));
    }

    @Override
    protected Uni<?> delete(Endpoint endpoint) {
        return store.delete(endpoint.id()).invoke(() -> cache.invalidate(endpoint.id()));
    }

    @Override
    protected boolean raced(Throwable failure) {
        return failure instanceof NameTaken;
    }

    @Override
    protected void counted(int errors) {
        registry.counter(ERRORS).increment(errors);
    }
}
