package io.agenttriggers.common.sync;

import io.agenttriggers.common.run.RunOutcome;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request wait for its run's outcome: the ingress registers the run id before publishing (so the outcome
 * cannot slip past), each replica consumes every outcome with a group of its own and completes the waits it holds.
 * The number of waits is bounded; past it, callers get an immediate "busy".
 */
@ApplicationScoped
public class RunWaiter {

    /** Most requests that may wait at once in one replica. */
    public static final int MAX_WAITING = 10_000;

    private final ConcurrentHashMap<String, CompletableFuture<RunOutcome>> waiting = new ConcurrentHashMap<>();

    /** Starts waiting for the run; empty when the replica already holds {@link #MAX_WAITING} waits. */
    public Optional<Registration> register(String runId) {
        if (waiting.size() >= MAX_WAITING) {
            return Optional.empty();
        }
        CompletableFuture<RunOutcome> future = new CompletableFuture<>();
        waiting.put(runId, future);
        return Optional.of(new Registration(runId, future));
    }

    /** Delivers an outcome to whoever waits for its run (nobody, mostly). */
    public void complete(RunOutcome outcome) {
        CompletableFuture<RunOutcome> future = waiting.remove(outcome.runId());
        if (future != null) {
            future.complete(outcome);
        }
    }

    public boolean isWaitingFor(String runId) {
        return waiting.containsKey(runId);
    }

    public int inFlight() {
        return waiting.size();
    }

    /** One wait; {@link #await} ends it whatever happens. */
    public final class Registration {
        private final String runId;
        private final CompletableFuture<RunOutcome> future;

        private Registration(String runId, CompletableFuture<RunOutcome> future) {
            this.runId = runId;
            this.future = future;
        }

        /** The outcome, or empty when the timeout passes first. */
        public Uni<Optional<RunOutcome>> await(Duration timeout) {
            return Uni.createFrom().completionStage(future)
                    .map(Optional::of)
                    .ifNoItem().after(timeout).recoverWithItem(Optional.empty())
                    .eventually(this::cancel);
        }

        /** Stops waiting (the publish failed, or the wait is over). */
        public void cancel() {
            waiting.remove(runId, future);
        }
    }
}
