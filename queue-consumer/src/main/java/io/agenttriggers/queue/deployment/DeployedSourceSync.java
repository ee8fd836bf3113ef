package io.agenttriggers.queue.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.queue.config.QueueConsumerConfig;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.source.SourceManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Brings this replica's deployed sources to what is stored: every {@code deployments.sync-interval} it reads the
 * generation, and when it moved, starts the sources it does not run, restarts those whose revision changed and stops
 * those that went. Credentials are resolved here, at start, from the tenant's secrets; a source whose secret is
 * missing is not started (and logged once) and is tried again at the next sync.
 */
@ApplicationScoped
public class DeployedSourceSync {

    private static final Logger LOG = Logger.getLogger(DeployedSourceSync.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Where a deployed source's credentials are, by type. */
    private static final Map<String, List<String>> SECRET_FIELDS = Map.of("imap", List.of("password"), "sqs",
            List.of("secretAccessKey"));

    @Inject
    DeployedSourceStore store;

    @Inject
    SourceManager manager;

    @Inject
    TenantSecrets secrets;

    @Inject
    QueueConsumerConfig config;

    private ScheduledExecutorService executor;
    private long seen = -1;
    private final Set<String> reported = new HashSet<>();

    /** After the declared sources started ({@link SourceManager} observes the same event at the default priority). */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) StartupEvent ignored) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "queue-deployments");
            t.setDaemon(true);
            return t;
        });
        long every = config.deployments().syncInterval().toMillis();
        executor.scheduleWithFixedDelay(this::sync, 0, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.LIBRARY_BEFORE) ShutdownEvent ignored) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** One pass; never throws (a failed read is tried again at the next one). */
    void sync() {
        try {
            long generation = store.generation().await().atMost(CALL_TIMEOUT);
            if (generation == seen) {
                return;
            }
            Map<String, DeployedSourceStore.Stored> desired = new LinkedHashMap<>();
            store.all().await().atMost(CALL_TIMEOUT).forEach(s -> desired.put(s.sourceName(), s));
            Map<String, Long> running = manager.deployedRevisions();
            running.forEach((name, revision) -> {
                DeployedSourceStore.Stored want = desired.get(name);
                if (want == null || want.revision() != revision) {
                    manager.stopDeployed(name);
                }
            });
            Map<String, Long> kept = manager.deployedRevisions();
            boolean complete = true;
            for (DeployedSourceStore.Stored s : desired.values()) {
                if (kept.containsKey(s.sourceName())) {
                    continue;
                }
                Optional<SourceSpec> spec = resolve(s);
                if (spec.isEmpty()) {
                    complete = false;
                    continue;
                }
                try {
                    manager.startDeployed(spec.get(), s.revision());
                } catch (RuntimeException e) {
                    complete = false;
                    report(s, "could not start (" + e.getClass().getSimpleName() + ")");
                }
            }
            if (complete) {
                seen = generation;
            }
        } catch (RuntimeException e) {
            LOG.debugf("Deployed sources not synced (%s); again at the next pass", e.getClass().getSimpleName());
        }
    }

    /** The source as it runs: its name on every replica, its credentials read from the tenant's secrets. */
    Optional<SourceSpec> resolve(DeployedSourceStore.Stored s) {
        ObjectNode spec = s.spec().deepCopy();
        spec.put("name", s.sourceName());
        String type = spec.path("type").asText();
        for (String field : SECRET_FIELDS.getOrDefault(type, List.of())) {
            if (!(spec.get(type) instanceof ObjectNode block) || !block.hasNonNull(field)) {
                continue;
            }
            Optional<String> value = secrets.resolve(s.tenantId(), block.get(field).asText());
            if (value.isEmpty()) {
                report(s, "names a secret tenant " + s.tenantId() + " does not have at " + type + "." + field);
                return Optional.empty();
            }
            block.put(field, value.get());
        }
        try {
            return Optional.of(DeclarativeFiles.YAML.treeToValue(spec, SourceSpec.class));
        } catch (IOException | IllegalArgumentException e) {
            report(s, "cannot be read (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    private void report(DeployedSourceStore.Stored s, String why) {
        if (reported.add(s.sourceName() + "@" + s.revision())) {
            LOG.errorf("Deployed source %s (revision %d) %s; not started", s.sourceName(), s.revision(), why);
        }
    }
}
