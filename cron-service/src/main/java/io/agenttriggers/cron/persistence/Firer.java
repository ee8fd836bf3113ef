package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.cron.config.CronServiceConfig;
import io.agenttriggers.cron.domain.CronExpression;
import io.agenttriggers.cron.domain.FireEvents;
import io.agenttriggers.cron.domain.FirePlanner;
import io.agenttriggers.cron.domain.MisfirePolicy;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.agenttriggers.cron.messaging.EventPublisher;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The firing loop of one replica. Each round claims due schedules with {@code FOR UPDATE SKIP LOCKED}, emits their
 * events (CloudEvent time = the nominal fire time, dedup key {@code cron:{id}:{time}}), and advances them in the
 * same transaction, after Kafka acknowledged. A crash in between re-emits the same dedup keys, which the dispatcher
 * runs once. The loop then sleeps until the nearest due time (at most {@code max-sleep}).
 */
@ApplicationScoped
public class Firer {

    private static final Logger LOG = Logger.getLogger(Firer.class);
    private static final int MAX_PARSED = 50_000;

    @Inject
    Pool pool;

    @Inject
    EventPublisher publisher;

    @Inject
    CronServiceConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @Inject
    ScheduleStore store;

    @Inject
    ScheduleSignals signals;

    private final Map<String, CronExpression> parsed = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();
    private volatile boolean stopped;
    private volatile long timer = -1;
    private long gaugeTimer = -1;
    private Timer fireDelay;
    private Timer claimLatency;
    private DistributionSummary batchSize;

    void start(@Observes StartupEvent ignored) {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            registry.counter("cron_misfires_total", "policy", policy.wire());
        }
        fireDelay = Timer.builder("cron_fire_delay_seconds")
                .description("Emission time minus the due time (nominal fire time + jitter)")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        claimLatency = Timer.builder("cron_claim_seconds").description("Time of one claim round, fires included")
                .publishPercentiles(0.5, 0.99).register(registry);
        batchSize = DistributionSummary.builder("cron_claim_batch_size").register(registry);
        Gauge.builder("cron_schedules_active", active, AtomicLong::get).register(registry);
        Gauge.builder("cron_schedules_paused", paused, AtomicLong::get).register(registry);
        gaugeTimer = vertx.setPeriodic(10_000, id -> store.counts().subscribe().with(c -> {
            active.set(c[0]);
            paused.set(c[1]);
        }, e -> { }));
        wake();
    }

    void stop(@Observes ShutdownEvent ignored) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (gaugeTimer >= 0) {
            vertx.cancelTimer(gaugeTimer);
        }
    }

    /** Runs a round now (after a local change, or when the nearest due time came). */
    public void wake() {
        if (stopped) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        long started = System.nanoTime();
        round().onItemOrFailure().transformToUni((claimed, failure) -> {
            if (failure != null) {
                LOG.warnf("Firing round failed (%s); retrying shortly", failure.toString());
                return Uni.createFrom().item(Duration.ofMillis(500));
            }
            claimLatency.record(Duration.ofNanos(System.nanoTime() - started));
            if (claimed >= config.claimBatchSize()) {
                return Uni.createFrom().item(Duration.ZERO);
            }
            return untilNextDue();
        }).subscribe().with(sleep -> {
            running.set(false);
            if (again.getAndSet(false)) {
                sleep = Duration.ZERO;
            }
            schedule(sleep);
        });
    }

    private void schedule(Duration sleep) {
        if (stopped) {
            return;
        }
        long ms = Math.max(1, Math.min(sleep.toMillis(), config.maxSleep().toMillis()));
        timer = vertx.setTimer(ms, id -> wake());
    }

    private Uni<Duration> untilNextDue() {
        return pool.preparedQuery("select min(due_at) as next from cron.schedules where cluster = $1 "
                        + "and due_at is not null").execute(Tuple.of(config.cluster()))
                .map(rows -> {
                    OffsetDateTime next = rows.iterator().next().getOffsetDateTime("next");
                    if (next == null) {
                        return config.maxSleep();
                    }
                    Duration d = Duration.between(Instant.now(), next.toInstant());
                    return d.isNegative() ? Duration.ZERO : d;
                })
                .onFailure().recoverWithItem(Duration.ofMillis(500));
    }

    /** One round; answers how many schedules it claimed. */
    Uni<Integer> round() {
        return pool.withTransaction(tx -> tx.preparedQuery("select " + ScheduleStore.COLUMNS + " from cron.schedules "
                        + "where cluster = $2 and due_at <= now() order by due_at limit $1 for update skip locked")
                .execute(Tuple.of(config.claimBatchSize(), config.cluster()))
                .chain(rows -> {
                    List<Row> claimed = new ArrayList<>();
                    rows.forEach(claimed::add);
                    if (claimed.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    batchSize.record(claimed.size());
                    return fire(tx, claimed).replaceWith(claimed.size());
                }));
    }

    private Uni<Void> fire(SqlClient tx, List<Row> rows) {
        Instant now = Instant.now();
        List<Uni<Void>> sends = new ArrayList<>();
        int n = rows.size();
        UUID[] ids = new UUID[n];
        OffsetDateTime[] next = new OffsetDateTime[n];
        OffsetDateTime[] due = new OffsetDateTime[n];
        OffsetDateTime[] lastFire = new OffsetDateTime[n];
        UUID[] lastRun = new UUID[n];
        OffsetDateTime[] buffered = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            ScheduleStore.Stored s = ScheduleStore.map(rows.get(i));
            ids[i] = UUID.fromString(s.id());
            ScheduleSpec spec = s.spec();
            FirePlanner.Plan plan;
            try {
                CronExpression cron = cron(spec);
                boolean inFlight = s.lastRunId() != null && s.lastRunStatus() == null;
                plan = FirePlanner.plan(new FirePlanner.State(s.id(), cron, spec.jitter(), spec.overlap(),
                        spec.misfire(), spec.catchUp(), spec.endAt() == null ? null : spec.endAt().toInstant(),
                        toInstant(s.nextFireAt()), inFlight, toInstant(s.bufferedFireAt())), now,
                        config.misfireThreshold());
            } catch (RuntimeException e) {
                // A schedule that cannot be planned must not block the others: it stops until someone fixes it.
                LOG.errorf("Schedule %s cannot fire (%s); it is stopped", s.id(), e.toString());
                signals.unplannable(s.id(), spec, e);
                next[i] = null;
                due[i] = null;
                lastFire[i] = s.lastFireAt();
                lastRun[i] = s.lastRunId() == null ? null : UUID.fromString(s.lastRunId());
                buffered[i] = null;
                continue;
            }
            if (plan.misfired() > 0) {
                registry.counter("cron_misfires_total", "policy", spec.misfire().wire()).increment(plan.misfired());
                signals.misfired(s.id(), spec, plan.misfired());
            }
            if (plan.overlapsSkipped() > 0) {
                registry.counter("cron_overlaps_skipped_total").increment(plan.overlapsSkipped());
            }
            if (plan.buffered()) {
                registry.counter("cron_overlaps_buffered_total").increment();
            }
            String runId = s.lastRunId();
            for (Instant nominal : plan.emit()) {
                TriggerEvent event = FireEvents.of(s.id(), spec, nominal, null, "schedule");
                runId = event.id();
                Instant dueAt = FirePlanner.dueAt(s.id(), nominal, spec.jitter());
                sends.add(publisher.publish(event).invoke(() -> {
                    // Emission = Kafka acknowledged; jitter is not delay.
                    Duration delay = Duration.between(dueAt, Instant.now());
                    fireDelay.record(delay.isNegative() ? Duration.ZERO : delay);
                    registry.counter("cron_fires_total", "kind", "schedule").increment();
                }));
            }
            next[i] = odt(plan.nextFireAt());
            due[i] = odt(plan.dueAt());
            lastFire[i] = plan.emit().isEmpty() ? s.lastFireAt() : odt(plan.emit().get(plan.emit().size() - 1));
            lastRun[i] = runId == null ? null : UUID.fromString(runId);
            buffered[i] = odt(plan.bufferedFireAt());
        }
        Uni<Void> all = sends.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(sends).andFailFast().replaceWithVoid();
        return all.chain(() -> tx.preparedQuery("update cron.schedules s set next_fire_at = u.next, due_at = u.due, "
                        + "last_fire_at = u.last_fire, last_run_status = case when u.last_run is distinct from "
                        + "s.last_run_id then null else s.last_run_status end, last_run_id = u.last_run, "
                        + "buffered_fire_at = u.buffered from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], "
                        + "$4::timestamptz[], $5::uuid[], $6::timestamptz[]) as u(id, next, due, last_fire, last_run, "
                        + "buffered) where s.id = u.id")
                .execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfOffsetDateTime(next)
                        .addArrayOfOffsetDateTime(due).addArrayOfOffsetDateTime(lastFire).addArrayOfUUID(lastRun)
                        .addArrayOfOffsetDateTime(buffered))
                .replaceWithVoid());
    }

    CronExpression cron(ScheduleSpec spec) {
        String key = spec.timezone() + "|" + spec.expression();
        CronExpression cron = parsed.get(key);
        if (cron == null) {
            cron = spec.cron();
            if (parsed.size() >= MAX_PARSED) {
                parsed.clear();
            }
            parsed.put(key, cron);
        }
        return cron;
    }

    private static Instant toInstant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
