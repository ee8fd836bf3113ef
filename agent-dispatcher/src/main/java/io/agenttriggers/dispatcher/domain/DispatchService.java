package io.agenttriggers.dispatcher.domain;

import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.dispatcher.client.RuntimeAnswer;
import io.agenttriggers.dispatcher.client.RuntimeClient;
import io.agenttriggers.dispatcher.client.RuntimeFailure;
import io.agenttriggers.dispatcher.client.RuntimeRequest;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.agenttriggers.dispatcher.messaging.RunEvents;
import io.agenttriggers.dispatcher.persistence.RunLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Takes one approved event to a terminal state: claim (tenant, dedup key) with the run row, call the runtime
 * with retries, record every attempt and the result, publish exactly one outcome. Safe to run again for the same
 * event (a redelivery): a finished run only re-publishes an outcome that was not yet published, a running one
 * resumes under the same {@code Idempotency-Key}.
 */
@ApplicationScoped
public class DispatchService {

    private static final Logger LOG = Logger.getLogger(DispatchService.class);

    @Inject
    RunLedger ledger;

    @Inject
    RuntimeClient runtime;

    @Inject
    RunEvents events;

    @Inject
    DispatcherConfig config;

    @Inject
    MeterRegistry registry;

    public Uni<Void> dispatch(TriggerEvent event) {
        return ledger.claim(event, config.idempotencyWindow()).chain(claim -> {
            RunRecord run = claim.run();
            if (claim.duplicate()) {
                registry.counter("dispatcher_dedup_hits_total").increment();
                LOG.infof("Run %s is a duplicate of %s (tenant %s, dedup key held)", run.runId(), run.originalRunId(),
                        run.tenantId());
            }
            if (run.status().isTerminal()) {
                return run.outcomePublished() ? Uni.createFrom().voidItem() : publishOutcome(run);
            }
            return execute(event).chain(this::publishOutcome);
        });
    }

    private Uni<RunRecord> execute(TriggerEvent event) {
        DispatchOptions options = event.data().options();
        int maxAttempts = options.maxAttempts() == null ? config.defaultMaxAttempts() : options.maxAttempts();
        Duration timeout = options.timeout() == null ? config.defaultTimeout() : options.timeout();
        RuntimeRequest request = request(event);
        long started = System.nanoTime();
        return ledger.markRunning(event.id())
                .chain(() -> attempt(event, request, timeout, 1, maxAttempts))
                .chain(answer -> ledger.finish(event.id(), RunStatus.SUCCEEDED, null, "agent", answer.agentRunId(),
                        answer.result(), null, answer.costUsd(), answer.llmCalls() == null ? 0 : answer.llmCalls()))
                .onFailure(RuntimeFailure.class).recoverWithUni(e -> {
                    RuntimeFailure failure = (RuntimeFailure) e;
                    if (failure.retryable()) {
                        return events.deadLetter(event, failure.errorClass(), maxAttempts)
                                .chain(() -> ledger.finish(event.id(), RunStatus.DEAD_LETTERED, failure.errorClass(),
                                        "agent", null, null, failure.getMessage(), null, 0));
                    }
                    return ledger.finish(event.id(), RunStatus.FAILED, failure.errorClass(), "agent", null, null,
                            failure.getMessage(), null, 0);
                })
                .invoke(run -> Timer.builder("dispatcher_run_duration").tag("status", run.status().wire())
                        .publishPercentileHistogram().register(registry)
                        .record(Duration.ofNanos(System.nanoTime() - started)));
    }

    private Uni<RuntimeAnswer> attempt(TriggerEvent event, RuntimeRequest request, Duration timeout, int number,
            int maxAttempts) {
        OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
        long start = System.nanoTime();
        return runtime.attempt(request, event.traceparent(), timeout)
                .onItemOrFailure().transformToUni((answer, failure) -> {
                    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    RuntimeFailure f = failure == null ? null : asFailure(failure);
                    RunRecord.Attempt logged = new RunRecord.Attempt(number, "agent", startedAt, ms,
                            f == null ? 200 : f.statusCode(), f == null ? null : f.errorClass(),
                            f == null ? null : f.getMessage());
                    registry.counter("dispatcher_attempts_total", "result", f == null ? "ok" : f.errorClass())
                            .increment();
                    Uni<Void> recorded = ledger.recordAttempt(event.id(), logged);
                    if (f == null) {
                        return recorded.replaceWith(answer);
                    }
                    if (!f.retryable() || number >= maxAttempts) {
                        return recorded.chain(() -> Uni.createFrom().failure(f));
                    }
                    registry.counter("dispatcher_retries_total").increment();
                    Duration delay = RuntimeClient.backoff(number, config.backoffInitial(), config.backoffMax(),
                            f.retryAfter());
                    return recorded.onItem().delayIt().by(delay)
                            .chain(() -> attempt(event, request, timeout, number + 1, maxAttempts));
                });
    }

    private Uni<Void> publishOutcome(RunRecord run) {
        registry.counter("dispatcher_runs_total", "status", run.status().wire()).increment();
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
                event.data().payload(), context);
    }
}
