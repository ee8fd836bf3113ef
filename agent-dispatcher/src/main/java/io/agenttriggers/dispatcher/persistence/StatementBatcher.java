package io.agenttriggers.dispatcher.persistence;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Group commit for one SQL statement: executions submitted by concurrent runs while a batch is in flight are sent
 * together as the next batch, in one transaction (one round trip for the rows, one WAL flush). An idle system sends
 * each execution at once, so batching adds no latency; a busy one pays one commit per batch instead of one per run.
 * <p>
 * Each execution still answers its own rows. A batch that fails (a deadlock, one bad row) is re-run one execution per
 * transaction, so one execution's failure never fails its neighbours. Executions are sorted by their {@code lockKey}
 * before sending, so concurrent batches take row locks in the same order and cannot deadlock each other.
 */
final class StatementBatcher {

    private record Pending(Tuple args, String lockKey, UniEmitter<? super RowSet<Row>> done) {
    }

    private static final Comparator<Pending> LOCK_ORDER = Comparator.comparing(Pending::lockKey);

    private final Pool pool;
    private final String sql;
    private final int maxBatch;
    private final int maxConcurrent;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;

    StatementBatcher(Pool pool, String sql, int maxBatch, int maxConcurrent) {
        this.pool = pool;
        this.sql = sql;
        this.maxBatch = maxBatch;
        this.maxConcurrent = maxConcurrent;
    }

    /** Runs the statement with these arguments, batched with concurrent executions; answers its own rows. */
    Uni<RowSet<Row>> execute(Tuple args, String lockKey) {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                queue.add(new Pending(args, lockKey == null ? "" : lockKey, emitter));
            }
            drain();
        });
    }

    private void drain() {
        while (true) {
            List<Pending> batch;
            synchronized (this) {
                if (queue.isEmpty() || inFlight >= maxConcurrent) {
                    return;
                }
                int n = Math.min(queue.size(), maxBatch);
                batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(queue.poll());
                }
                inFlight++;
            }
            send(batch);
        }
    }

    private void send(List<Pending> batch) {
        if (batch.size() > 1) {
            batch.sort(LOCK_ORDER);
        }
        List<Tuple> args = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            args.add(p.args());
        }
        Uni<RowSet<Row>> run = batch.size() == 1
                ? pool.preparedQuery(sql).execute(args.get(0))
                : pool.withTransaction(tx -> tx.preparedQuery(sql).executeBatch(args));
        run.subscribe().with(rows -> {
            finished();
            RowSet<Row> current = rows;
            for (Pending p : batch) {
                p.done().complete(current);
                current = current == null ? null : current.next();
            }
        }, failure -> {
            finished();
            if (batch.size() == 1) {
                batch.get(0).done().fail(failure);
                return;
            }
            // One at a time, each in its own transaction: only the execution that fails by itself fails.
            for (Pending p : batch) {
                pool.preparedQuery(sql).execute(p.args()).subscribe().with(p.done()::complete, p.done()::fail);
            }
        });
    }

    private void finished() {
        synchronized (this) {
            inFlight--;
        }
        drain();
    }
}
