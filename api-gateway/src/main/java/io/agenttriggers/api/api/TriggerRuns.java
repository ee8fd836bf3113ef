package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.api.client.DispatcherClient;
import io.agenttriggers.api.messaging.TriggerPublisher;
import io.agenttriggers.api.persistence.AcceptedRuns;
import io.agenttriggers.api.persistence.IdempotencyStore;
import io.agenttriggers.common.event.EventSize;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.overload.AdmissionLimit;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.security.AuthConfig;
import io.agenttriggers.common.sync.RunWaiter;
import io.agenttriggers.common.sync.SyncAnswers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts runs for API and manual triggers: records the run id (so it never reads 404), publishes the event with
 * acks=all, then answers 202 (async) or waits for the outcome (sync). With an {@code Idempotency-Key} a repeat gets
 * the first run instead of a new one.
 */
@ApplicationScoped
public class TriggerRuns {

    private static final Logger LOG = Logger.getLogger(TriggerRuns.class);

    /** What to start: the event, who owns the run, how to answer, and the idempotency claim if any. */
    /**
     * What to start; {@code admission} is the request's place in the ingress's {@link AdmissionLimit}, ended as soon
     * as the event is durable (a sync request's wait for its run is not the ingress's latency) or known a replay.
     */
    public record Start(TriggerEvent event, String triggerId, boolean publicResult, ResponseMode mode,
            Duration syncTimeout, String idempotencyKey, String requestHash, AdmissionLimit.Admission admission) {
    }

    @Inject
    AcceptedRuns acceptedRuns;

    @Inject
    IdempotencyStore idempotency;

    @Inject
    TriggerPublisher publisher;

    @Inject
    RunWaiter waiter;

    @Inject
    DispatcherClient dispatcher;

    @Inject
    AuthConfig auth;

    @Inject
    io.agenttriggers.api.config.ApiGatewayConfig config;

    @Inject
    MeterRegistry registry;

    @jakarta.annotation.PostConstruct
    void registerCounters() {
        // At 0 from the start: the first one is then an increase that alerts can see (rules in deploy/monitoring).
        registry.counter("triggers_publish_failures_total");
    }

    public Uni<Response> start(Start start) {
        TriggerEvent event = start.event();
        if (start.idempotencyKey() == null) {
            return publish(start);
        }
        return idempotency.claim(event.tenantId(), start.idempotencyKey(), start.requestHash(), event.id(),
                        config.idempotencyWindow())
                .chain(earlier -> earlier.isEmpty() ? publish(start) : replay(start, earlier.get()));
    }

    private Uni<Response> publish(Start start) {
        TriggerEvent event = start.event();
        RunWaiter.Registration wait = null;
        if (start.mode() == ResponseMode.SYNC) {
            wait = waiter.register(event.id()).orElseThrow(() -> ProblemException.unavailable("too_many_waiting",
                    "Too many sync requests are waiting in this replica; retry or use async", 1));
        }
        RunWaiter.Registration registration = wait;
        return acceptedRuns.record(event.id(), event.tenantId(), start.triggerId(), event.eventName(),
                        start.publicResult())
                .chain(() -> publisher.publish(event)
                        .onFailure().call(e -> acceptedRuns.forget(event.id()).onFailure().recoverWithNull()))
                .chain(() -> start.idempotencyKey() == null ? Uni.createFrom().voidItem()
                        : idempotency.accepted(event.tenantId(), start.idempotencyKey()))
                .onFailure().call(e -> {
                    if (registration != null) {
                        registration.cancel();
                    }
                    return start.idempotencyKey() == null ? Uni.createFrom().voidItem()
                            : idempotency.release(event.tenantId(), start.idempotencyKey(), event.id())
                                    .onFailure().recoverWithNull();
                })
                .onFailure().transform(e -> {
                    LOG.warnf("Could not make event %s of trigger %s durable: %s", event.id(), start.triggerId(),
                            e.toString());
                    registry.counter("triggers_publish_failures_total").increment();
                    return EventSize.answer(e);
                })
                .chain(() -> {
                    start.admission().answered();
                    registry.counter("triggers_accepted_total", "trigger", start.triggerId(), "tenant",
                            event.tenantId()).increment();
                    return registration == null ? Uni.createFrom().item(accepted(event.id(), false))
                            : await(registration, event.id(), start.syncTimeout());
                });
    }

    private Uni<Response> replay(Start start, IdempotencyStore.Claim earlier) {
        start.admission().ignored();
        if (!earlier.requestHash().equals(start.requestHash())) {
            throw new ProblemException(422, "idempotency_key_mismatch", "Unprocessable content",
                    "This Idempotency-Key was used with a different request; use a new key for a new request");
        }
        if (earlier.pending()) {
            throw new ProblemException(409, "idempotency_key_in_use", "Conflict",
                    "The first request with this Idempotency-Key is still being processed")
                    .withHeader("Retry-After", "1");
        }
        registry.counter("api_idempotent_replays_total", "trigger", start.triggerId()).increment();
        String runId = earlier.runId();
        if (start.mode() != ResponseMode.SYNC) {
            return Uni.createFrom().item(accepted(runId, true));
        }
        RunWaiter.Registration wait = waiter.register(runId).orElseThrow(() -> ProblemException.unavailable(
                "too_many_waiting", "Too many sync requests are waiting in this replica; retry or use async", 1));
        // Registered before reading the ledger, so an outcome landing in between is not missed.
        return ledgerOutcome(runId).chain(done -> {
            if (done.isPresent()) {
                wait.cancel();
                return Uni.createFrom().item(replayed(SyncAnswers.of(done.get())));
            }
            return await(wait, runId, start.syncTimeout()).map(TriggerRuns::replayed);
        });
    }

    private Uni<Response> await(RunWaiter.Registration registration, String runId, Duration timeout) {
        Timer.Sample sample = Timer.start(registry);
        return registration.await(timeout).map(outcome -> {
            sample.stop(registry.timer("api_sync_wait_seconds", "result", outcome.isPresent() ? "outcome" : "timeout"));
            if (outcome.isEmpty()) {
                registry.counter("api_sync_timeouts_total").increment();
                return SyncAnswers.timeout(runId);
            }
            return SyncAnswers.of(outcome.get());
        });
    }

    /** The run's terminal state from the ledger, when it has one (read with the gateway's own token). */
    private Uni<Optional<RunOutcome>> ledgerOutcome(String runId) {
        if (auth.adminToken().isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return dispatcher.run(runId, "Bearer " + auth.adminToken().get())
                .map(found -> found.flatMap(TriggerRuns::outcome))
                .onFailure().recoverWithItem(Optional.empty());
    }

    /** A ledger run as an outcome, when its status is terminal. */
    static Optional<RunOutcome> outcome(JsonNode run) {
        RunStatus status;
        try {
            status = RunStatus.fromWire(run.path("status").asText());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!status.isTerminal()) {
            return Optional.empty();
        }
        return Optional.of(new RunOutcome(run.path("runId").asText(), run.path("tenantId").asText(),
                run.path("eventName").asText(), text(run, "triggerType"), status, text(run, "reason"),
                text(run, "decisionMode"), run.get("result"), text(run, "error"), null, 0,
                run.path("attempts").asInt(0), null, text(run, "originalRunId"), null,
                run.hasNonNull("finishedAt") ? OffsetDateTime.parse(run.get("finishedAt").asText())
                        : OffsetDateTime.now()));
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    static Response accepted(String runId, boolean replayed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", runId);
        body.put("status", "accepted");
        Response.ResponseBuilder out = Response.accepted(body).header("Location", "/runs/" + runId + "/result");
        if (replayed) {
            out.header("Idempotent-Replayed", "true");
        }
        return out.build();
    }

    private static Response replayed(Response response) {
        return Response.fromResponse(response).header("Idempotent-Replayed", "true").build();
    }
}
