package io.agenttriggers.dispatcher.messaging;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/** A non-blocking bound on work in flight: {@link #acquire} completes when a slot is free, in arrival order. */
final class InFlightWindow {

    private static final CompletableFuture<Void> FREE = CompletableFuture.completedFuture(null);

    private final int max;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int used;

    InFlightWindow(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max-in-flight must be at least 1");
        }
        this.max = max;
    }

    synchronized CompletableFuture<Void> acquire() {
        if (used < max) {
            used++;
            return FREE;
        }
        CompletableFuture<Void> slot = new CompletableFuture<>();
        waiting.add(slot);
        return slot;
    }

    /** Frees a slot, handing it straight to the longest waiter if there is one. */
    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                used--;
            }
        }
        if (next != null) {
            next.complete(null);
        }
    }

    synchronized int inFlight() {
        return used;
    }
}
