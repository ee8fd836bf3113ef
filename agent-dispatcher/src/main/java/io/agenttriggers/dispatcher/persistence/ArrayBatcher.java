package io.agenttriggers.dispatcher.persistence;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Group commit as one statement: items submitted by concurrent runs while a batch is in flight are sent together as
 * the next batch, and the batch is one execution whose parameters are arrays (one round trip, one plan, one commit).
 * PostgreSQL plans each execution of a statement on the partitioned ledger anew, and that planning costs several
 * times its execution; a batch of n items is planned once instead of n times. An idle system sends each item at
 * once, so batching adds no latency.
 * <p>
 * A batch holds each key once (a second item with a key already in the batch waits for the next one), so a
 * statement never meets the same row twice, and its items are sorted by key, so concurrent batches take row locks
 * in the same order. Each item is answered its own result by its key ({@code null} when the statement produced none
 * for it). A batch that fails (a deadlock, one bad row) is re-run one item per execution, so one item's failure
 * never fails its neighbours.
 */
final class ArrayBatcher<T, R> {

    /** Runs one batch of items with distinct keys, sorted by key; answers the results by key (absent: none). */
    @FunctionalInterface
    interface Statement<T, R> {
        Uni<Map<String, R>> run(List<T> items);
    }

    private record Pending<T, R>(T item, String key, UniEmitter<? super R> done) {
    }

    private final Statement<T, R> statement;
    private final int maxBatch;
    private final int maxConcurrent;
    private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();
    private int inFlight;

    ArrayBatcher(Statement<T, R> statement, int maxBatch, int maxConcurrent) {
        this.statement = statement;
        this.maxBatch = maxBatch;
        this.maxConcurrent = maxConcurrent;
    }

    /** Runs the statement for this item, batched with concurrent ones; answers its result, or null when none. */
    Uni<R> submit(T item, String key) {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                queue.add(new Pending<>(item, key, emitter));
            }
            drain();
        });
    }

    private void drain() {
        while (true) {
            List<Pending<T, R>> batch;
            synchronized (this) {
                if (queue.isEmpty() || inFlight >= maxConcurrent) {
                    return;
                }
                batch = take();
                inFlight++;
            }
            send(batch);
        }
    }

    /** Up to maxBatch queued items in arrival order, each key once; the others stay queued in order. */
    private List<Pending<T, R>> take() {
        List<Pending<T, R>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        Set<String> keys = new HashSet<>();
        for (Iterator<Pending<T, R>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch;) {
            Pending<T, R> p = it.next();
            if (keys.add(p.key())) {
                batch.add(p);
                it.remove();
            }
        }
        batch.sort(Comparator.comparing(Pending::key));
        return batch;
    }

    private void send(List<Pending<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        for (Pending<T, R> p : batch) {
            items.add(p.item());
        }
        run(items).subscribe().with(results -> {
            finished();
            for (Pending<T, R> p : batch) {
                p.done().complete(results.get(p.key()));
            }
        }, failure -> {
            finished();
            if (batch.size() == 1) {
                batch.get(0).done().fail(failure);
                return;
            }
            // One at a time: only the item that fails by itself fails.
            for (Pending<T, R> p : batch) {
                run(List.of(p.item())).subscribe().with(results -> p.done().complete(results.get(p.key())),
                        p.done()::fail);
            }
        });
    }

    private Uni<Map<String, R>> run(List<T> items) {
        try {
            return statement.run(items);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private void finished() {
        synchronized (this) {
            inFlight--;
        }
        drain();
    }
}
