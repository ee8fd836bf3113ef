package io.agenttriggers.dispatcher.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.Fallback;
import io.agenttriggers.common.event.FallbackStrategy;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.dispatcher.client.FallbackClient;
import io.agenttriggers.dispatcher.client.RuntimeAnswer;
import io.agenttriggers.dispatcher.client.RuntimeClient;
import io.agenttriggers.dispatcher.client.RuntimeFailure;
import io.agenttriggers.dispatcher.client.RuntimeRequest;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.agenttriggers.dispatcher.messaging.RunEvents;
import io.agenttriggers.dispatcher.persistence.RedisClaims;
import io.agenttriggers.dispatcher.persistence.RunLeases;
import io.agenttriggers.dispatcher.persistence.RunLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Takes one approved event to a terminal state: claim (tenant, dedup key) with the run row, call the runtime
 * with retries, record every attempt and the result, publish exactly one outcome. Safe to run again for the same
 * event (a redelivery): a finished run only re-publishes an outcome that was not yet published; a running one is
 * taken over once its execution's lease lapsed ({@link RunLeases}) and resumes on the path drawn at its first claim,
 * under the same {@code Idempotency-Key}. Only the execution that still holds the run may end it and publish.
 */
@ApplicationScoped
public class DispatchService {

    private static final Logger LOG = Logger.getLogger(DispatchService.class);

    @Inject
    RunLedger ledger;

    @Inject
    RuntimeClient runtime;

    @Inject
    RedisClaims redisClaims;

    @Inject
    FallbackClient fallbacks;

    @Inject
    PathChooser paths;

    @Inject
    RuntimeBreaker breaker;

    @Inject
    RunEvents events;

    @Inject
    RunLeases leases;

    @Inject
    DispatcherConfig config;

    @Inject
    MeterRegistry registry;

    /** One execution of a run: the event and the owner id this execution holds the run's lease under. */
    private record Execution(TriggerEvent event, UUID owner) {
    }

    /**
     * Dispatches the event; {@code replay} > 0 when it is that DLQ replay of its run, which first moves the run from
     * {@code dead_lettered} back to {@code queued} (once per replay number; a repeat finds the run in play or ended).
     */
    public Uni<Void> dispatch(TriggerEvent event, int replay) {
        Uni<Void> resumed = replay > 0 ? ledger.resumeReplay(event.id(), replay) : Uni.createFrom().voidItem();
        return resumed.chain(() -> dispatch(event));
    }

    public Uni<Void> dispatch(TriggerEvent event) {
        Duration window = config.idempotencyWindow();
        Execution x = new Execution(event, UUID.randomUUID());
        // Drawn once: a new run stores it with its claim; a run taken over keeps the one stored at its first claim.
        PathChooser.Path drawn = paths.choose(event.data().options());
        // The key is claimed in Redis and in the ledger at once; the ledger's answer decides, Redis follows it.
        return Uni.combine().all().unis(ledger.claim(event, window, x.owner(), config.runLease(), drawn.wire()),
                        redisClaims.claim(event.tenantId(), event.dedupKey(), event.id(), window)).asTuple()
                .chain(claimed -> {
                    Claim claim = claimed.getItem1();
                    String owner = claim.duplicate() ? claim.run().originalRunId() : claim.run().runId();
                    Uni<Void> inLine = owner == null ? Uni.createFrom().voidItem()
                            : redisClaims.reconcile(event.tenantId(), event.dedupKey(), event.id(),
                                    claimed.getItem2(), owner, window);
                    return inLine.replaceWith(claim);
                })
                .chain(claim -> {
                    RunRecord run = claim.run();
                    if (claim.duplicate()) {
                        registry.counter("dispatcher_dedup_hits_total").increment();
                        LOG.infof("Run %s is a duplicate of %s (tenant %s, dedup key held)", run.runId(),
                                run.originalRunId(), run.tenantId());
                    }
                    if (run.status().isTerminal() && run.outcomePublished()) {
                        return Uni.createFrom().voidItem();
                    }
                    // Not ended, or ended and not yet published: published by its holder, or by this one once the
                    // holder's lease lapsed (it died in between).
                    return claim.held() ? run(x, drawn) : takeOver(x, drawn);
                });
    }

    /**
     * A redelivered run: taken over once no execution holds it (it died, or stalled past its lease), then resumed on
     * its stored path; until then this delivery waits, so the record is not acknowledged before the run ends.
     */
    private Uni<Void> takeOver(Execution x, PathChooser.Path drawn) {
        return ledger.takeOver(x.event().id(), x.owner(), config.runLease(), drawn.wire()).chain(t -> {
            if (t.path() != null) {
                registry.counter("dispatcher_runs_taken_over_total").increment();
                return run(x, PathChooser.Path.valueOf(t.path().toUpperCase(java.util.Locale.ROOT)));
            }
            if (t.terminal() != null) {
                // Ended; its outcome is published already, or the execution that ended it died before publishing.
                return t.terminal().outcomePublished() ? Uni.createFrom().voidItem() : publishOutcome(t.terminal());
            }
            Duration held = t.heldFor();
            Duration wait = held.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50)
                    : held.compareTo(config.runLease()) > 0 ? config.runLease() : held;
            LOG.debugf("Run %s is held by another execution; trying again in %s", x.event().id(), wait);
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait).chain(() -> takeOver(x, drawn));
        });
    }

    /**
     * Executes a run this execution holds, renewing its lease meanwhile, and publishes the outcome if it ended it;
     * the lease is held until then, so a redelivery neither runs it again nor publishes it too.
     */
    private Uni<Void> run(Execution x, PathChooser.Path path) {
        String runId = x.event().id();
        leases.hold(runId, x.owner());
        return execute(x, path)
                .chain(finished -> {
                    if (finished.ours()) {
                        return publishOutcome(finished.run());
                    }
                    registry.counter("dispatcher_runs_fenced_total").increment();
                    LOG.warnf("Run %s was taken over by another execution while this one ran; it ends it (status now "
                            + "%s)", runId, finished.run().status().wire());
                    return Uni.createFrom().voidItem();
                })
                .eventually(() -> leases.release(runId, x.owner()));
    }

    /** An answer of the runtime (or fallback) with the attempt that got it, recorded together with the end. */
    private record Answered(RuntimeAnswer answer, RunRecord.Attempt attempt) {
    }

    private Uni<RunLedger.Finished> execute(Execution x, PathChooser.Path path) {
        TriggerEvent event = x.event();
        DispatchOptions options = event.data().options();
        int maxAttempts = options.maxAttempts() == null ? config.defaultMaxAttempts() : options.maxAttempts();
        Duration timeout = options.timeout() == null ? config.defaultTimeout() : options.timeout();
        RuntimeRequest request = request(event);
        Fallback fallback = PathChooser.usable(options);
        long started = System.nanoTime();
        // The fallback path only where the event has a usable fallback (a path stored before the event changed cannot).
        Uni<RunLedger.Finished> run = path == PathChooser.Path.FALLBACK && fallback != null
                ? viaFallback(x, request, timeout, maxAttempts, fallback, null)
                : viaAgent(x, request, timeout, maxAttempts, fallback);
        return run
                .invoke(finished -> {
                    if (!finished.ours()) {
                        return;
                    }
                    RunRecord done = finished.run();
                    Timer.builder("dispatcher_run_duration").tag("status", done.status().wire())
                            .tag("decision_mode", String.valueOf(done.decisionMode()))
                            .publishPercentileHistogram().register(registry)
                            .record(Duration.ofNanos(System.nanoTime() - started));
                    if (done.eventTime() != null) {
                        Duration endToEnd = Duration.between(done.eventTime(), OffsetDateTime.now(ZoneOffset.UTC));
                        if (!endToEnd.isNegative()) {
                            Timer.builder("dispatcher_end_to_end_latency")
                                    .description("From the event's time to its run's terminal state")
                                    .publishPercentileHistogram().register(registry).record(endToEnd);
                        }
                    }
                });
    }

    /** The agent path; when it fails and the fallback runs on failure, the fallback decides the end. */
    private Uni<RunLedger.Finished> viaAgent(Execution x, RuntimeRequest request, Duration timeout, int maxAttempts,
            Fallback fallback) {
        TriggerEvent event = x.event();
        return attempts(event, PathChooser.Path.AGENT, t -> runtime.attempt(request, event.traceparent(), t), timeout,
                        maxAttempts)
                .chain(a -> finish(x, RunStatus.SUCCEEDED, null, PathChooser.Path.AGENT, a.answer(), null,
                        a.attempt()))
                .onFailure(RuntimeFailure.class).recoverWithUni(e -> {
                    RuntimeFailure failure = (RuntimeFailure) e;
                    if (fallback != null && fallback.strategy() == FallbackStrategy.ON_FAILURE) {
                        return viaFallback(x, request, timeout, maxAttempts, fallback, failure);
                    }
                    if (failure.retryable()) {
                        return ledger.attempts(event.id())
                                .chain(history -> events.deadLetter(event, failure.errorClass(), maxAttempts,
                                        historyJson(history)))
                                .chain(() -> finish(x, RunStatus.DEAD_LETTERED, failure.errorClass(),
                                        PathChooser.Path.AGENT, null, failure.getMessage()));
                    }
                    return finish(x, RunStatus.FAILED, failure.errorClass(), PathChooser.Path.AGENT, null,
                            failure.getMessage());
                });
    }

    /**
     * The fallback path: chosen by weight or strategy ({@code agentFailure} null), or after the agent failed. Its
     * success ends {@code fallback_succeeded}; its failure ends {@code failed}, since there is nothing left to try.
     */
    private Uni<RunLedger.Finished> viaFallback(Execution x, RuntimeRequest request, Duration timeout,
            int maxAttempts, Fallback fallback, RuntimeFailure agentFailure) {
        TriggerEvent event = x.event();
        String why = agentFailure == null ? "fallback_chosen" : "agent_" + agentFailure.errorClass();
        return attempts(event, PathChooser.Path.FALLBACK,
                        t -> fallbacks.call(fallback.url(), request, event.traceparent(), t), timeout, maxAttempts)
                .chain(a -> finish(x, RunStatus.FALLBACK_SUCCEEDED, why, PathChooser.Path.FALLBACK, a.answer(),
                        null, a.attempt()))
                .onFailure(RuntimeFailure.class).recoverWithUni(e -> {
                    RuntimeFailure failure = (RuntimeFailure) e;
                    String error = (agentFailure == null ? "" : "agent: " + agentFailure.getMessage() + "; ")
                            + "fallback: " + failure.getMessage();
                    return finish(x, RunStatus.FAILED, failure.errorClass(), PathChooser.Path.FALLBACK, null,
                            error);
                });
    }

    private Uni<RunLedger.Finished> finish(Execution x, RunStatus status, String reason, PathChooser.Path path,
            RuntimeAnswer answer, String error) {
        return finish(x, status, reason, path, answer, error, null);
    }

    private Uni<RunLedger.Finished> finish(Execution x, RunStatus status, String reason, PathChooser.Path path,
            RuntimeAnswer answer, String error, RunRecord.Attempt last) {
        JsonNode result = answer == null ? null : bounded(answer.result());
        return ledger.finish(x.event().id(), x.owner(), status, reason, path.wire(), answer == null ? null : answer.agentRunId(),
                result, error, answer == null ? null : answer.costUsd(),
                answer == null || answer.llmCalls() == null ? 0 : answer.llmCalls(), last);
    }

    /** A result over the configured size is replaced by a note saying so: the ledger and outcomes stay bounded. */
    private JsonNode bounded(JsonNode result) {
        if (result == null) {
            return null;
        }
        int size = result.toString().length();
        if (size <= config.maxResultBytes()) {
            return result;
        }
        registry.counter("dispatcher_results_truncated_total").increment();
        return EventJson.MAPPER.createObjectNode().put("truncated", true).put("size", size)
                .put("limit", config.maxResultBytes());
    }

    /**
     * Up to {@code maxAttempts} attempts on one path. SmallRye Fault Tolerance decides whether and when to try again:
     * retryable failures only (connection errors, timeouts, 5xx, 429), after a capped exponential backoff with full
     * jitter that an honoured {@code Retry-After} raises ({@link RetryAfterBackoff}). Each failed attempt is in the
     * ledger before the next one starts.
     */
    private Uni<Answered> attempts(TriggerEvent event, PathChooser.Path path,
            java.util.function.Function<Duration, Uni<RuntimeAnswer>> call, Duration timeout, int maxAttempts) {
        java.util.concurrent.atomic.AtomicInteger number = new java.util.concurrent.atomic.AtomicInteger();
        return Uni.createFrom().deferred(() -> guard(path, maxAttempts)
                .get(() -> attempt(event, path, call, timeout, number.incrementAndGet())));
    }

    /** Guards by path and attempt budget (1..100, DispatchOptions), built on first use and kept. */
    private final Map<String, TypedGuard<Uni<Answered>>> guards = new java.util.concurrent.ConcurrentHashMap<>();

    private TypedGuard<Uni<Answered>> guard(PathChooser.Path path, int maxAttempts) {
        return guards.computeIfAbsent(path.wire() + "/" + maxAttempts, key -> TypedGuard
                .create(new TypeLiteral<Uni<Answered>>() {
                })
                .withDescription("dispatcher." + path.wire())
                .withRetry()
                .maxRetries(maxAttempts - 1)
                // The attempt budget is the limit, not the time spent: a run's retry horizon follows its backoff.
                .maxDuration(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(e -> e instanceof RuntimeFailure f && f.retryable())
                .withCustomBackoff()
                .strategy(() -> new RetryAfterBackoff(config.backoffInitial(), config.backoffMax()))
                .done()
                .beforeRetry(() -> registry.counter("dispatcher_retries_total", "path", path.wire()).increment())
                .done()
                .build());
    }

    /**
     * The delay before retry n: capped exponential backoff with full jitter ({@link RuntimeClient#backoff}), never
     * shorter than the {@code Retry-After} the failed attempt carried (within the cap). One instance per run.
     */
    static final class RetryAfterBackoff implements CustomBackoffStrategy {
        private final Duration initial;
        private final Duration max;
        private int failed;

        RetryAfterBackoff(Duration initial, Duration max) {
            this.initial = initial;
            this.max = max;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            failed++;
            Duration retryAfter = cause instanceof RuntimeFailure f ? f.retryAfter() : null;
            return RuntimeClient.backoff(failed, initial, max, retryAfter).toMillis();
        }
    }

    /** One attempt: the breaker's permit (agent path), the call, its metrics and, when it failed, its ledger row. */
    private Uni<Answered> attempt(TriggerEvent event, PathChooser.Path path,
            java.util.function.Function<Duration, Uni<RuntimeAnswer>> call, Duration timeout, int number) {
        // Only the agent runtime has a breaker; a fallback URL is the event's own business.
        Uni<Boolean> permit = path == PathChooser.Path.AGENT ? Uni.createFrom().deferred(breaker::permit)
                : Uni.createFrom().item(false);
        return permit.chain(probe -> call(event, path, call, timeout, number, probe));
    }

    private Uni<Answered> call(TriggerEvent event, PathChooser.Path path,
            java.util.function.Function<Duration, Uni<RuntimeAnswer>> call, Duration timeout, int number,
            boolean probe) {
        OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
        long start = System.nanoTime();
        return call.apply(timeout)
                .onItemOrFailure().transformToUni((answer, failure) -> {
                    long nanos = System.nanoTime() - start;
                    RuntimeFailure f = failure == null ? null : asFailure(failure);
                    if (path == PathChooser.Path.AGENT) {
                        breaker.record(probe, f != null && unhealthy(f));
                    }
                    RunRecord.Attempt logged = new RunRecord.Attempt(number, path.wire(), startedAt,
                            Duration.ofNanos(nanos).toMillis(), f == null ? Integer.valueOf(200) : f.statusCode(),
                            f == null ? null : f.errorClass(), f == null ? null : f.getMessage());
                    registry.counter("dispatcher_attempts_total", "path", path.wire(), "result",
                            f == null ? "ok" : f.errorClass()).increment();
                    Timer.builder("dispatcher_call_latency").description("One call to the agent runtime or a fallback")
                            .tag("path", path.wire()).publishPercentileHistogram().register(registry)
                            .record(Duration.ofNanos(nanos));
                    if (f == null) {
                        // Logged with the run's end, in the same statement.
                        return Uni.createFrom().item(new Answered(answer, logged));
                    }
                    return ledger.recordAttempt(event.id(), logged).chain(() -> Uni.createFrom().failure(f));
                });
    }

    private static String historyJson(java.util.List<RunRecord.Attempt> history) {
        try {
            return EventJson.MAPPER.writeValueAsString(history.stream().map(a -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("number", a.number());
                m.put("path", a.path());
                m.put("startedAt", a.startedAt().toString());
                m.put("durationMs", a.durationMs());
                m.put("statusCode", a.statusCode());
                m.put("errorClass", a.errorClass());
                return m;
            }).toList());
        } catch (java.io.IOException e) {
            return "[]";
        }
    }

    /** A failure that says the runtime is in trouble, not that the request was wrong. */
    static boolean unhealthy(RuntimeFailure f) {
        return f.retryable() && (f.statusCode() == null || f.statusCode() >= 500);
    }

    private Uni<Void> publishOutcome(RunRecord run) {
        registry.counter("dispatcher_runs_total", "status", run.status().wire(), "decision_mode",
                String.valueOf(run.decisionMode())).increment();
        return events.outcome(run).chain(() -> ledger.markOutcomePublished(run.runId()));
    }

    private static RuntimeFailure asFailure(Throwable t) {
        return t instanceof RuntimeFailure f ? f
                : new RuntimeFailure(true, null, "client_error", t.getClass().getSimpleName(), null);
    }

    private static RuntimeRequest request(TriggerEvent event) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("source", event.source());
        context.put("dedupKey", event.dedupKey());
        context.put("time", event.time().toString());
        context.put("responseMode", event.responseMode().wire());
        if (!event.data().headers().isEmpty()) {
            context.put("headers", event.data().headers());
        }
        if (event.deadline() != null) {
            context.put("deadline", event.deadline().toString());
        }
        return new RuntimeRequest(event.id(), event.eventName(), event.type().wire(), event.tenantId(), event.focus(),
                event.workflowId(), event.data().payload(), context);
    }
}
