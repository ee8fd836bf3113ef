package io.agenttriggers.webhook.persistence;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** The request log (table {@code webhook.events}); its retention is {@link EventLogRetention}'s. */
@ApplicationScoped
public class EventLog {

    private static final Logger LOG = Logger.getLogger(EventLog.class);
    private static final String COLUMNS = "id, endpoint_id, tenant_id, received_at, method, source_ip, user_agent, "
            + "headers::text as headers, content_type, body, body_size, body_truncated, verified, status_code, "
            + "outcome, error_code, error, delivery_id, run_id, duration_ms, replay_of";
    private static final String SUMMARY = COLUMNS.replace("body, ", "null::bytea as body, ");

    @Inject
    Pool pool;

    /** At most this many bytes of entries wait (with their bodies), so a slow database cannot exhaust memory. */
    static final long MAX_PENDING_BYTES = 32L * 1024 * 1024;

    /** Entries waiting for the next batch, encoded as COPY rows; bounded in number and in bytes. */
    private final java.util.concurrent.ArrayBlockingQueue<byte[]> pending =
            new java.util.concurrent.ArrayBlockingQueue<>(50_000);
    private final java.util.concurrent.atomic.AtomicLong pendingBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();

    /** The JDBC datasource: batches go in with COPY, which the reactive client does not offer. */
    @Inject
    javax.sql.DataSource dataSource;

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** The one thread that writes batches, so the event loops never wait on the database. */
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(
            task -> {
                Thread thread = new Thread(task, "webhook-event-log");
                thread.setDaemon(true);
                return thread;
            });

    void startFlusher(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ignored) {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter("webhook_event_log_dropped_total");
        vertx.setPeriodic(100, id -> flush());
    }

    /** Writes what is still queued before the datasource goes away. */
    void flushOnShutdown(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent ignored) {
        flush();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warnf("The event log writer did not finish within 10 s; %d entries are not written",
                        pending.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues the entry for the next batch (every 100 ms, or as soon as 500 wait): one COPY for many requests keeps
     * the log off the ingest path. When the queue is full the entry is dropped and counted; the log is a record of
     * requests, the event itself is already durable on Kafka.
     */
    public void enqueue(LoggedRequest r) {
        byte[] row = EventLogCopy.row(r);
        if (pendingBytes.addAndGet(row.length) > MAX_PENDING_BYTES || !pending.offer(row)) {
            pendingBytes.addAndGet(-row.length);
            registry.counter("webhook_event_log_dropped_total").increment();
            return;
        }
        if (pending.size() >= 500) {
            flush();
        }
    }

    /** Hands the queue to the writer thread unless it is already at work (it drains until the queue is empty). */
    private void flush() {
        if (pending.isEmpty() || !flushing.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            flushing.set(false); // shutting down: whatever is queued now is not written
        }
    }

    private void drain() {
        try {
            List<byte[]> batch = new ArrayList<>(1000);
            while (pending.drainTo(batch, 1000) > 0) {
                long bytes = 0;
                for (byte[] row : batch) {
                    bytes += row.length;
                }
                pendingBytes.addAndGet(-bytes);
                try {
                    copy(batch);
                } catch (SQLException | RuntimeException e) {
                    registry.counter("webhook_event_log_dropped_total").increment(batch.size());
                    LOG.warnf("Could not write %d event log entries: %s", batch.size(), e.toString());
                }
                batch.clear();
            }
        } finally {
            flushing.set(false);
        }
        if (pending.size() >= 500) {
            flush();
        }
    }

    private void copy(List<byte[]> rows) throws SQLException {
        try (java.sql.Connection connection = dataSource.getConnection()) {
            EventLogCopy.copy(connection, rows);
        }
    }

    /**
     * Writes the entries in one COPY (as the flusher writes its batches), on the writer thread; fails as a whole. The
     * result arrives on the caller's Vert.x context, where a request that waits for it lives.
     */
    Uni<Void> writeAll(List<LoggedRequest> batch) {
        List<byte[]> rows = batch.stream().map(EventLogCopy::row).toList();
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Uni<Void> written = Uni.createFrom().<Void>item(() -> {
            try {
                copy(rows);
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("could not copy " + batch.size() + " event log entries", e);
            }
        }).runSubscriptionOn(writer);
        return context == null ? written : written.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    /** Writes one entry now; failures are logged, never surfaced (the event itself is on Kafka). */
    public Uni<Void> write(LoggedRequest r) {
        return writeAll(List.of(r)).onFailure().recoverWithItem(e -> {
            LOG.warnf("Could not write the event log entry %s: %s", r.id, e.toString());
            return null;
        });
    }

    public Uni<Optional<LoggedRequest>> find(String id) {
        UUID uuid = io.agenttriggers.common.event.RunIds.uuidOrNull(id);
        if (uuid == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("select " + COLUMNS + " from webhook.events where id = $1")
                .execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** Newest first; filters optional. Bodies are left out of lists. */
    public Uni<List<LoggedRequest>> list(String endpointId, Integer status, String outcome, OffsetDateTime from,
            OffsetDateTime to, String afterId, int limit) {
        Query q = Query.select("select " + SUMMARY + " from webhook.events")
                .eq("endpoint_id", UUID.fromString(endpointId))
                .eq("status_code", status)
                .eq("outcome", outcome)
                .where("received_at", ">=", from)
                .where("received_at", "<", to)
                .page("id", afterId == null ? null : UUID.fromString(afterId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<LoggedRequest> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    private static LoggedRequest map(Row row) {
        LoggedRequest r = new LoggedRequest();
        r.id = row.getUUID("id").toString();
        r.endpointId = row.getUUID("endpoint_id").toString();
        r.tenantId = row.getString("tenant_id");
        r.receivedAt = row.getOffsetDateTime("received_at");
        r.method = row.getString("method");
        r.sourceIp = row.getString("source_ip");
        r.userAgent = row.getString("user_agent");
        try {
            r.headers = EventJson.MAPPER.readValue(row.getString("headers"), new TypeReference<Map<String, String>>() {
            });
        } catch (IOException e) {
            r.headers = Map.of();
        }
        r.contentType = row.getString("content_type");
        io.vertx.mutiny.core.buffer.Buffer body = row.getBuffer("body");
        r.body = body == null ? null : body.getBytes();
        r.bodySize = row.getInteger("body_size");
        r.bodyTruncated = row.getBoolean("body_truncated");
        r.verified = row.getBoolean("verified");
        r.statusCode = row.getInteger("status_code");
        r.outcome = row.getString("outcome");
        r.errorCode = row.getString("error_code");
        r.error = row.getString("error");
        r.deliveryId = row.getString("delivery_id");
        UUID run = row.getUUID("run_id");
        r.runId = run == null ? null : run.toString();
        r.durationMs = row.getInteger("duration_ms");
        UUID replay = row.getUUID("replay_of");
        r.replayOf = replay == null ? null : replay.toString();
        return r;
    }
}
