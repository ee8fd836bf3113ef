package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Sends the outbox: claims due notifications ({@code FOR UPDATE SKIP LOCKED}, so replicas share the work and never
 * send one twice at once), sends each, and records the attempt. A claim is a lease: a replica that dies mid-send
 * leaves the notification due again once the lease ends. A channel that fails is retried with capped exponential
 * backoff and jitter until {@code max-attempts}; an answer that cannot improve (a 4xx, a refused URL) fails at once.
 */
@ApplicationScoped
public class AlertDelivery {

    private static final Logger LOG = Logger.getLogger(AlertDelivery.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(15);

    @Inject
    Pool pool;

    @Inject
    ChannelSender sender;

    @Inject
    AlertSecrets secrets;

    @Inject
    GovernanceConfig config;

    @Inject
    MeterRegistry registry;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /** Sends at once when {@code written} new notifications were written, rather than at the next poll. */
    public void sendNew(int written) {
        if (written > 0) {
            kick();
        }
    }

    /** Sends what is due now rather than at the next poll; a call during a round makes one more round. */
    public void kick() {
        again.set(true);
        round();
    }

    @Scheduled(every = "${triggers.governance.alerts.delivery-poll:PT1S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        again.set(true);
        round();
    }

    private void round() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        sendDue().subscribe().with(sent -> {
            running.set(false);
            // A round that claimed something may have left more due (a batch's or a tenant's share was full).
            if (again.get() || sent > 0) {
                round();
            }
        }, e -> {
            running.set(false);
            LOG.debugf("Alert delivery round failed: %s", e.toString());
        });
    }

    /** One round: claims up to a batch of due notifications and sends them concurrently; answers how many. */
    Uni<Integer> sendDue() {
        return claim(config.alerts().deliveryBatch(), config.alerts().deliveryPerTenant(), null)
                .chain(claimed -> {
                    if (claimed.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Multi.createFrom().iterable(claimed).onItem().transformToUniAndMerge(this::deliver)
                            .collect().asList().map(List::size);
                });
    }

    /**
     * Claims (leases) up to {@code batch} notifications due by {@code dueBy} (null: now), oldest first, but at most
     * {@code perTenant} of any one tenant: a tenant with a backlog, or a slow channel, takes its share of a round and
     * never the whole of it.
     */
    Uni<List<Row>> claim(int batch, int perTenant, OffsetDateTime dueBy) {
        double lease = config.alerts().deliveryTimeout().toSeconds() + 30;
        return pool.preparedQuery("with due as (select d.id from (select distinct tenant_id from "
                        + "governance.alert_notifications where status = 'pending' and next_attempt_at <= "
                        + "coalesce($4, now())) t cross join lateral (select n.id, n.next_attempt_at from "
                        + "governance.alert_notifications n where n.tenant_id = t.tenant_id and n.status = 'pending' "
                        + "and n.next_attempt_at <= coalesce($4, now()) order by n.next_attempt_at limit $3 "
                        + "for update skip locked) d order by d.next_attempt_at limit $1), "
                        + "claimed as (update governance.alert_notifications n set attempts = n.attempts + 1, "
                        + "next_attempt_at = now() + make_interval(secs => $2) from due where n.id = due.id "
                        + "returning n.id, n.channel_id, n.tenant_id, n.kind, n.body::text as body, n.attempts) "
                        + "select claimed.*, c.config::text as config, c.secret from claimed "
                        + "join governance.alert_channels c on c.id = claimed.channel_id")
                .execute(Tuple.of(batch, lease, perTenant, dueBy))
                .map(rows -> {
                    List<Row> claimed = new ArrayList<>();
                    rows.forEach(claimed::add);
                    return claimed;
                });
    }

    private Uni<Void> deliver(Row row) {
        UUID id = row.getUUID("id");
        int attempt = row.getInteger("attempts");
        long started = System.nanoTime();
        Uni<Integer> sent;
        try {
            AlertChannelSpec spec = EventJson.read(row.getString("config"), AlertChannelSpec.class);
            Buffer secret = row.getBuffer("secret");
            ChannelSender.Target target = new ChannelSender.Target(spec.type(), spec,
                    secret == null ? null : secrets.open(secret.getBytes()));
            sent = sender.send(target, id.toString(), row.getString("kind"), row.getString("body"));
        } catch (RuntimeException e) {
            sent = Uni.createFrom().failure(new DeliveryFailure(false, null, e.getMessage()));
        }
        return sent.map(status -> new Result(status, null, false))
                .onFailure().recoverWithItem(e -> {
                    DeliveryFailure f = e instanceof DeliveryFailure d ? d
                            : new DeliveryFailure(true, null, e.toString());
                    return new Result(f.statusCode, f.getMessage(), f.retryable);
                })
                .chain(result -> record(id, attempt, result, (System.nanoTime() - started) / 1_000_000));
    }

    private record Result(Integer status, String error, boolean retryable) {
        boolean ok() {
            return error == null;
        }
    }

    private Uni<Void> record(UUID id, int attempt, Result result, long ms) {
        String status;
        OffsetDateTime next = null;
        if (result.ok()) {
            status = "sent";
        } else if (result.retryable() && attempt < config.alerts().maxAttempts()) {
            status = "pending";
            next = OffsetDateTime.now(ZoneOffset.UTC).plus(backoff(config.alerts().firstBackoff(), attempt));
        } else {
            status = "failed";
        }
        registry.counter("governance_alert_notifications_total", "outcome", result.ok() ? "sent"
                : "pending".equals(status) ? "retry" : "failed").increment();
        if (!result.ok()) {
            LOG.infof("Alert notification %s attempt %d: %s (%s)", id, attempt, result.error(), status);
        }
        String error = result.error() == null ? null : result.error().length() > 500
                ? result.error().substring(0, 500) : result.error();
        OffsetDateTime due = next;
        return pool.withTransaction(conn -> conn.preparedQuery("insert into governance.alert_attempts "
                                + "(notification_id, attempt, status_code, error, duration_ms) values ($1, $2, $3, $4, $5) "
                                + "on conflict do nothing")
                        .execute(Tuple.of(id, attempt, result.status(), error, (int) Math.min(ms, Integer.MAX_VALUE)))
                        .chain(() -> conn.preparedQuery("update governance.alert_notifications set status = $2, "
                                        + "last_error = $3, sent_at = case when $2 = 'sent' then now() end, "
                                        + "next_attempt_at = coalesce($4, next_attempt_at) where id = $1")
                                .execute(Tuple.tuple().addUUID(id).addString(status).addString(error)
                                        .addOffsetDateTime(due))))
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Recording notification %s failed (its lease will retry it): %s",
                        id, e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Doubling from {@code first}, capped at 15 min, with up to 20 % jitter so a recovered channel is not stampeded. */
    static Duration backoff(Duration first, int attempt) {
        long base = first.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
    }
}
