package io.agenttriggers.queue.source;

import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.queue.config.QueueConsumerConfig;
import io.agenttriggers.queue.config.SourceCatalog;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.messaging.InboundPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the declared sources with the service and stops them gracefully with it. Pause and resume are recorded in
 * Redis ({@value #PAUSED_KEY}) and every replica applies them within {@code pause-sync-interval}, so pausing a
 * source pauses it everywhere, and a restarted replica comes up with its sources still paused.
 */
@ApplicationScoped
public class SourceManager {

    private static final Logger LOG = Logger.getLogger(SourceManager.class);
    public static final String PAUSED_KEY = "triggers:queue-consumer:paused";

    @Inject
    QueueConsumerConfig config;

    @Inject
    OutboundUrlPolicy urls;

    @Inject
    InboundPublisher publisher;

    @Inject
    KafkaDeadLetters kafkaDeadLetters;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    MailboxLeases leases;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    @ConfigProperty(name = "amqp-host", defaultValue = "127.0.0.1")
    String amqpHost;

    @ConfigProperty(name = "amqp-port", defaultValue = "5672")
    int amqpPort;

    @ConfigProperty(name = "amqp-username", defaultValue = "guest")
    String amqpUsername;

    @ConfigProperty(name = "amqp-password", defaultValue = "guest")
    String amqpPassword;

    /** Declared sources, and deployed ones as the sync starts and stops them (read by API threads meanwhile). */
    private final Map<String, SourceRunner> runners = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** The paused sources as last read from Redis, for deployed sources that start later. */
    private volatile Set<String> lastPaused = Set.of();
    private ScheduledExecutorService scheduler;
    /** Pauses and resumes made through this replica's API, so a Redis read older than one is not applied. */
    private final java.util.concurrent.atomic.AtomicLong localChanges = new java.util.concurrent.atomic.AtomicLong();
    private ReactiveHashCommands<String, String, String> pausedHash;

    void start(@Observes StartupEvent ignored) {
        pausedHash = redis.hash(String.class);
        List<String> errors = new ArrayList<>();
        String fileText = config.sourcesFile().filter(f -> !f.isBlank())
                .map(f -> SourceCatalog.readFile(f, errors)).orElse(null);
        SourceCatalog.Loaded loaded = errors.isEmpty()
                ? SourceCatalog.load(properties(ConfigProvider.getConfig()), fileText, System::getenv, urls)
                : new SourceCatalog.Loaded(List.of(), errors);
        if (!loaded.errors().isEmpty()) {
            loaded.errors().forEach(e -> LOG.error("Invalid queue source: " + e));
            throw new IllegalStateException("invalid queue sources: " + String.join("; ", loaded.errors()));
        }
        scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "queue-retries");
            t.setDaemon(true);
            return t;
        });
        for (SourceSpec spec : loaded.sources()) {
            SourceRunner runner = create(spec);
            runners.put(spec.name(), runner);
        }
        Set<String> pausedNow;
        try {
            pausedNow = readPaused().await().atMost(Duration.ofSeconds(5)).orElse(Set.of());
            lastPaused = pausedNow;
        } catch (RuntimeException e) {
            // Redis slow or away: start as configured; the sync below applies recorded pauses once it answers.
            LOG.warnf("Paused sources not read from Redis at start (%s)", e.getClass().getSimpleName());
            pausedNow = Set.of();
        }
        for (SourceRunner runner : runners.values()) {
            if (pausedNow.contains(runner.spec().name())) {
                runner.pause();
            }
            if (config.autoStart() && runner.spec().enabledOrDefault()) {
                runner.start();
            }
        }
        LOG.infof("Queue sources: %s", runners.isEmpty() ? "none declared"
                : String.join(", ", runners.values().stream().map(r -> r.spec().name() + " (" + r.spec().type()
                        .name().toLowerCase() + (r.paused() ? ", paused" : "") + ")").toList()));
        long every = config.pauseSyncInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::syncPaused, every, every, TimeUnit.MILLISECONDS);
    }

    private SourceRunner create(SourceSpec spec) {
        SourceStats stats = new SourceStats(registry, spec.name(), spec.type().name().toLowerCase(),
                () -> runners.containsKey(spec.name()) && runners.get(spec.name()).paused());
        SourceRunner runner = switch (spec.type()) {
            case KAFKA -> new KafkaSourceRunner(spec, stats, publisher, scheduler, kafkaBootstrapServers,
                    kafkaDeadLetters);
            case AMQP -> new AmqpSourceRunner(spec, stats, publisher, scheduler, vertx, amqpDefaults());
            case RABBITMQ -> new RabbitmqSourceRunner(spec, stats, publisher, scheduler, amqpDefaults());
            case SQS -> new SqsSourceRunner(spec, stats, publisher, scheduler);
            case IMAP -> new ImapSourceRunner(spec, stats, publisher, scheduler, leases, hostCheck(spec),
                    config.mailboxLease());
        };
        if (!spec.enabledOrDefault()) {
            runner.state = SourceRunner.State.DISABLED;
        }
        return runner;
    }

    /**
     * A deployed mailbox's host is held to the outbound policy again right before each connection (its name may
     * resolve anywhere by then); a declared one is the operator's.
     */
    private ImapSourceRunner.HostCheck hostCheck(SourceSpec spec) {
        if (!spec.deployed()) {
            return host -> { };
        }
        return host -> {
            try {
                urls.checkResolved(java.net.URI.create("https://" + host + "/"));
            } catch (java.net.UnknownHostException | RuntimeException e) {
                throw new jakarta.mail.MessagingException("host refused: " + e.getMessage());
            }
        };
    }

    /** The deployed sources running here, by name, with the revision each runs. */
    public Map<String, Long> deployedRevisions() {
        Map<String, Long> out = new TreeMap<>();
        runners.values().stream().filter(r -> r.spec().deployed()).forEach(r -> out.put(r.spec().name(),
                r.revision()));
        return out;
    }

    /** Starts a deployed source (a new one, or the new revision of one {@link #stopDeployed stopped} first). */
    public void startDeployed(SourceSpec spec, long revision) {
        SourceRunner runner = create(spec);
        runner.revision(revision);
        if (lastPaused.contains(spec.name())) {
            runner.pause();
        }
        runners.put(spec.name(), runner);
        if (config.autoStart() && spec.enabledOrDefault()) {
            runner.start();
        }
        LOG.infof("Deployed source %s started (%s, revision %d)", spec.name(), spec.type().name().toLowerCase(),
                revision);
    }

    /** Stops a deployed source gracefully (in-flight messages get the shutdown grace) and forgets it. */
    public void stopDeployed(String name) {
        SourceRunner runner = runners.get(name);
        if (runner == null) {
            return;
        }
        if (runner.state() != SourceRunner.State.DISABLED) {
            runner.stop(System.currentTimeMillis() + config.shutdownGrace().toMillis());
        }
        runners.remove(name, runner);
        runner.stats().close();
        LOG.infof("Deployed source %s stopped", name);
    }

    /** Every configuration key of a source, with its (expanded) value. */
    static Map<String, String> properties(Config cfg) {
        Map<String, String> props = new HashMap<>();
        for (String name : cfg.getPropertyNames()) {
            if (name.startsWith(SourceCatalog.PREFIX)) {
                cfg.getOptionalValue(name, String.class).ifPresent(v -> props.put(name, v));
            }
        }
        return props;
    }

    private Uni<Optional<Set<String>>> readPaused() {
        return pausedHash.hgetall(PAUSED_KEY)
                .map(m -> Optional.of(m.keySet()))
                .onFailure().invoke(e -> LOG.warnf("Paused sources not read from Redis (%s); keeping the current "
                        + "state", e.getClass().getSimpleName()))
                .onFailure().recoverWithItem(Optional.empty());
    }

    private void syncPaused() {
        try {
            // A pause or resume made here while Redis was being read is newer than what the read saw: skip this round.
            long changesBefore = localChanges.get();
            readPaused().await().atMost(Duration.ofSeconds(5))
                    .filter(paused -> localChanges.get() == changesBefore)
                    .ifPresent(paused -> {
                        lastPaused = paused;
                        runners.values().forEach(r -> {
                boolean shouldPause = paused.contains(r.spec().name());
                if (shouldPause && !r.paused()) {
                    LOG.infof("Source %s paused (recorded in Redis)", r.spec().name());
                    r.pause();
                } else if (!shouldPause && r.paused()) {
                    LOG.infof("Source %s resumed (recorded in Redis)", r.spec().name());
                    r.resume();
                }
            });
                    });
        } catch (RuntimeException e) {
            LOG.debugf("Pause sync skipped: %s", e.getClass().getSimpleName());
        }
    }

    /** The service-wide AMQP broker ({@code amqp-host}, ...), for sources that name none. */
    public AmqpSourceRunner.Defaults amqpDefaults() {
        return new AmqpSourceRunner.Defaults(amqpHost, amqpPort, amqpUsername, amqpPassword);
    }

    public Collection<SourceRunner> runners() {
        return runners.values();
    }

    public Optional<SourceRunner> runner(String name) {
        return Optional.ofNullable(runners.get(name));
    }

    /** Records the pause for every replica, then pauses here. */
    public Uni<SourceRunner> pause(SourceRunner runner, String by) {
        return pausedHash.hset(PAUSED_KEY, runner.spec().name(), Instant.now() + " " + by)
                .invoke(() -> {
                    localChanges.incrementAndGet();
                    runner.pause();
                    LOG.infof("Source %s paused by %s", runner.spec().name(), by);
                })
                .replaceWith(runner);
    }

    public Uni<SourceRunner> resume(SourceRunner runner, String by) {
        return pausedHash.hdel(PAUSED_KEY, runner.spec().name())
                .invoke(() -> {
                    localChanges.incrementAndGet();
                    runner.resume();
                    LOG.infof("Source %s resumed by %s", runner.spec().name(), by);
                })
                .replaceWith(runner);
    }

    void stop(@Observes ShutdownEvent ignored) {
        long deadline = System.currentTimeMillis() + config.shutdownGrace().toMillis();
        List<Thread> stops = new ArrayList<>();
        for (SourceRunner runner : runners.values()) {
            if (runner.state() == SourceRunner.State.DISABLED) {
                continue;
            }
            Thread t = new Thread(() -> runner.stop(deadline), "stop-" + runner.spec().name());
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join(config.shutdownGrace().toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        LOG.infof("Queue sources stopped");
    }
}
