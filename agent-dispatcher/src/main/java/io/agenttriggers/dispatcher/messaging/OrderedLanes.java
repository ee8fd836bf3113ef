package io.agenttriggers.dispatcher.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One lane per partition key for events that ask to run in order: a turn may start once every earlier turn of its
 * key has ended (whatever its outcome). Keys are independent, and a key without waiting turns holds no memory.
 */
final class OrderedLanes {

    private static final CompletableFuture<Void> FREE = CompletableFuture.completedFuture(null);

    /** A place in a lane: {@code ready} completes when the turn before it has ended. */
    record Turn(String key, CompletableFuture<Void> ready, CompletableFuture<Void> ended) {
    }

    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    /** Takes the next place in the key's lane; call in arrival order, and {@link #leave} when the work ended. */
    synchronized Turn enter(String key) {
        CompletableFuture<Void> previous = tails.getOrDefault(key, FREE);
        CompletableFuture<Void> ended = new CompletableFuture<>();
        tails.put(key, ended);
        return new Turn(key, previous, ended);
    }

    void leave(Turn turn) {
        synchronized (this) {
            tails.remove(turn.key(), turn.ended());
        }
        turn.ended().complete(null);
    }

    synchronized int lanes() {
        return tails.size();
    }
}
