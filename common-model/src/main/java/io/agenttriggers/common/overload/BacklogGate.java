package io.agenttriggers.common.overload;

import io.agenttriggers.common.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Load shedding at an ingress, on a signal of downstream lag: every {@code triggers.overload.interval} a thread of its
 * own reads the watched consumers' committed offsets and their topics' end offsets from Kafka. While one of them needs
 * longer than {@code max-backlog} to catch up, {@link #refusal()} gives the 503 (with {@code Retry-After}, the time it
 * needs) that the ingress answers at once, before any work is done for the delivery; below half of it, deliveries are
 * accepted again. So past saturation the ingress answers fast either way instead of queueing every delivery into a
 * backlog that only grows, and what it accepts the pipeline can run soon.
 *
 * <p>Kafka unreachable, a group that has committed nothing, a consumer that made no progress: no estimate, nothing
 * refused (the publish path answers for Kafka itself).
 */
@ApplicationScoped
public class BacklogGate {

    private static final Logger LOG = Logger.getLogger(BacklogGate.class);

    @Inject
    OverloadConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private final Map<String, Backlog> backlogs = new HashMap<>();
    private ScheduledExecutorService sampler;
    private Admin admin;
    private volatile boolean shedding;
    private volatile long retryAfterSeconds = 1;
    private Counter refused;

    /** Built by the first ingress that asks (a service without one never reads any backlog). */
    @PostConstruct
    void start() {
        refused = Shedding.counter(registry, "backlog");
        Gauge.builder("triggers_ingress_backlog_seconds", this, BacklogGate::worstCatchUpSeconds)
                .description("Time the slowest watched consumer needs to catch up at its recent rate")
                .register(registry);
        if (!config.enabled()) {
            return;
        }
        for (String watched : config.watch()) {
            if (watched.indexOf(':') <= 0 || watched.endsWith(":")) {
                throw new IllegalArgumentException("triggers.overload.watch entries are topic:group, not " + watched);
            }
            backlogs.put(watched, new Backlog());
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backlog-gate");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        sampler.scheduleWithFixedDelay(this::sample, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** The answer for a delivery that arrives now, or null when it may come in. */
    public ProblemException refusal() {
        if (!shedding) {
            return null;
        }
        refused.increment();
        return ProblemException.unavailable("overloaded", "The pipeline behind this gateway is " + retryAfterSeconds
                + " s behind; nothing of this delivery was kept, send it again after Retry-After", retryAfterSeconds);
    }

    public boolean shedding() {
        return shedding;
    }

    private void sample() {
        try {
            if (admin == null) {
                Map<String, Object> p = io.agenttriggers.common.messaging.KafkaClients.shared(kafkaConfig);
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
                p.put(AdminClientConfig.CLIENT_ID_CONFIG, "backlog-gate");
                admin = Admin.create(p);
            }
            for (Map.Entry<String, Backlog> e : backlogs.entrySet()) {
                int colon = e.getKey().indexOf(':');
                sampleOne(e.getKey().substring(0, colon), e.getKey().substring(colon + 1), e.getValue());
            }
            decide();
        } catch (Exception e) {
            // No signal is no reason to refuse: the publish path answers for an unreachable Kafka.
            shedding = false;
            LOG.debugf("Backlog not read: %s", e.toString());
        }
    }

    private void sampleOne(String topic, String group, Backlog backlog) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(3, TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        long committedSum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> c : committed.entrySet()) {
            if (c.getKey().topic().equals(topic) && c.getValue() != null) {
                partitions.add(c.getKey());
                committedSum += c.getValue().offset();
            }
        }
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        long endSum = 0;
        for (var end : admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).values()) {
            endSum += end.offset();
        }
        backlog.sample(System.nanoTime(), committedSum, endSum);
    }

    private void decide() {
        double worst = worstCatchUpSeconds();
        long worstLag = backlogs.values().stream().mapToLong(Backlog::lag).max().orElse(0);
        double max = config.maxBacklog().toMillis() / 1000.0;
        boolean was = shedding;
        if (worstLag < config.minLag()) {
            shedding = false;
        } else if (worst > max) {
            shedding = true;
        } else if (worst < max / 2) {
            shedding = false;
        }
        retryAfterSeconds = Math.max(1, Math.min(60, (long) Math.ceil(worst)));
        if (shedding != was) {
            LOG.infof(shedding ? "Refusing deliveries: the pipeline is %.1f s behind (%d records)"
                    : "Accepting deliveries again: the pipeline is %.1f s behind (%d records)", worst, worstLag);
        }
    }

    private double worstCatchUpSeconds() {
        return backlogs.values().stream().map(Backlog::catchUp).filter(java.util.Optional::isPresent)
                .mapToDouble(d -> d.get().toMillis() / 1000.0).max().orElse(0);
    }
}
