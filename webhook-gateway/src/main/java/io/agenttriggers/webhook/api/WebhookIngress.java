package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agenttriggers.common.event.ResponseMode;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.overload.AdmissionLimit;
import io.agenttriggers.common.overload.BacklogGate;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.problem.ProblemMappers;
import io.agenttriggers.common.ratelimit.RedisRateLimiter;
import io.agenttriggers.common.sync.RunWaiter;
import io.agenttriggers.common.sync.SyncAnswers;
import io.agenttriggers.common.logging.LogThrottle;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.BodyParser;
import io.agenttriggers.webhook.domain.Deliveries;
import io.agenttriggers.webhook.domain.DeliveryIds;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.messaging.VerificationFailures;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.agenttriggers.webhook.domain.Prepared;
import io.agenttriggers.webhook.messaging.TriggerPublisher;
import io.agenttriggers.webhook.persistence.DedupStore;
import io.agenttriggers.webhook.persistence.EndpointCache;
import io.agenttriggers.webhook.persistence.EventLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Receives webhooks on {@code POST|PUT|PATCH /webhooks/{endpointId}}: backlog gate → body limit → endpoint lookup →
 * rate limits → authentication over the raw bytes → parse → filter → transform → delivery-id dedup → publish
 * (acks=all) → answer. A 2xx is never answered for an event that is not durable on Kafka; every refusal is
 * problem+json.
 *
 * <p>This is a plain Vert.x route rather than a Jakarta REST resource: the ingress path is the gateway's hot path,
 * and the REST layer's request context, header maps and response building were a fifth of its CPU (docs/benchmarks.md).
 * The management API stays Jakarta REST; the route's OpenAPI description is {@code META-INF/openapi.yaml}.
 *
 * <p>The body is read by {@link BoundedBody}, never holding more than {@code triggers.webhook-gateway.max-body-bytes}
 * (413 past it).
 */
@ApplicationScoped
public class WebhookIngress {

    private static final Logger LOG = Logger.getLogger(WebhookIngress.class);
    static final String PATH = "/webhooks/:endpointId";
    static final String ALLOWED = "POST, PUT, PATCH";
    /** Bodies above this are verified and parsed on a worker thread, off the event loop. */
    private static final int INLINE_BYTES = 64 * 1024;
    private static final String JSON = "application/json";
    private static final String FILTER_TOO_EXPENSIVE = "filter_too_expensive";

    @Inject
    EndpointCache endpoints;

    @Inject
    DedupStore dedup;

    @Inject
    TriggerPublisher publisher;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    EventLog eventLog;

    @Inject
    RunWaiter waiter;

    @Inject
    RedisRateLimiter rateLimiter;

    @Inject
    ObjectMapper mapper;

    @Inject
    BacklogGate backlog;

    @Inject
    VerificationFailures verificationFailures;

    @Inject
    AdmissionLimit admissions;

    private BodyParser parser;

    /** A sender can repeat a refused body at will: its log line is written at most once a minute per endpoint. */
    private final LogThrottle filterLimitLog = new LogThrottle(Duration.ofMinutes(1));

    private Timer requestDuration;

    /** {@code webhook_requests_total} by endpoint and status, looked up once: the tagged lookup costs per request. */
    private final ConcurrentHashMap<CounterKey, Counter> requestCounters = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        parser = new BodyParser(config.maxDepth(), config.maxFields());
        requestDuration = Timer.builder("webhook_request_duration").publishPercentileHistogram().register(registry);
        backlog.shedding(); // starts reading the backlog now, not at the first delivery
    }

    /**
     * Ahead of the server-wide upload limit (which would answer a bare 413 without problem+json), of the Jakarta REST
     * handler, which serves everything else, and of Quarkus's HTTP security filters (authentication at order -200,
     * authorization at -100): a delivery is authenticated by its endpoint's own scheme, never as a Quarkus identity,
     * and those filters cost on every delivery for nothing.
     */
    void routes(@Observes Router router) {
        router.route(PATH).order(ROUTE_ORDER).handler(this::handle);
    }

    /** Before Quarkus's authentication filter, whose route order is minus its priority. */
    static final int ROUTE_ORDER = -SecurityHandlerPriorities.AUTHENTICATION - 1;

    void handle(RoutingContext rc) {
        handle(rc, rc.pathParam("endpointId"));
    }

    /** Receives a delivery for the endpoint (its id from the URL, or resolved by {@link WorkflowWebhookRoute}). */
    void handle(RoutingContext rc, String endpointId) {
        HttpServerRequest request = rc.request();
        HttpMethod method = request.method();
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            if (method == HttpMethod.OPTIONS) {
                rc.response().setStatusCode(204).putHeader(HttpHeaders.ALLOW, ALLOWED).end();
                return;
            }
            answer(rc, problem(rc, new ProblemException(405, "method_not_allowed", "Method Not Allowed",
                    "Method not allowed on " + request.path() + "; webhooks are delivered with " + ALLOWED)
                    .withHeader("Allow", ALLOWED)));
            return;
        }
        ProblemException overloaded = backlog.refusal();
        if (overloaded != null) {
            refuseUnread(rc, overloaded);
            return;
        }
        BoundedBody.read(rc, config.maxBodyBytes(), body -> receive(rc, endpointId, body),
                detail -> refuseTooLarge(rc, endpointId, detail));
    }

    /**
     * A refusal before any work is done for the delivery (no lookup, no event log): the pipeline is behind (503), or
     * a workflow URL names no webhook trigger. The body is read and dropped first, so the connection stays usable for
     * the sender's next request.
     */
    void refuseUnread(RoutingContext rc, ProblemException refusal) {
        Answer answer = problem(rc, refusal);
        HttpServerRequest request = rc.request();
        if (request.isEnded()) {
            countRequest(null, refusal.status());
            answer(rc, answer);
            return;
        }
        request.handler(ignored -> { });
        request.endHandler(v -> {
            countRequest(null, refusal.status());
            answer(rc, answer);
        });
        request.resume();
    }

    void refuseTooLarge(RoutingContext rc, String endpointId, String detail) {
        Answer answer = problem(rc, new ProblemException(413, "payload_too_large", "Payload too large", detail)
                .withHeader("Connection", "close"));
        answer(rc, answer);
        // Counted under the endpoint's id only when it is a known endpoint, so ids in URLs cannot grow the tags.
        endpoints.get(endpointId).subscribe().with(
                found -> countRequest(found.filter(e -> e.spec().isEnabled()).map(Endpoint::id).orElse(null), 413),
                failure -> countRequest(null, 413));
    }

    private void receive(RoutingContext rc, String endpointId, byte[] body) {
        Optional<AdmissionLimit.Admission> admitted = admissions.admit();
        if (admitted.isEmpty()) {
            ProblemException refusal = admissions.refusal();
            countRequest(null, refusal.status());
            answer(rc, problem(rc, refusal));
            return;
        }
        long started = System.nanoTime();
        LoggedRequest log = new LoggedRequest();
        AdmissionLimit.Admission admission = admitted.get();
        Uni<Answer> answer;
        Optional<Endpoint> cached = endpoints.cached(endpointId);
        if (cached != null) {
            answer = accept(rc, endpointId, cached, body, log, admission);
        } else {
            answer = endpoints.get(endpointId).chain(found -> accept(rc, endpointId, found, body, log, admission));
        }
        Context context = Vertx.currentContext();
        answer.subscribe().with(
                ok -> finish(rc, context, log, ok, null, started, admission),
                failure -> finish(rc, context, log, problem(rc, failure), failure, started, admission));
    }

    /**
     * Counts the request, answers on its context, then times and logs it. Counted first, so a caller that reads the
     * metrics after its answer sees its request.
     */
    private void finish(RoutingContext rc, Context context, LoggedRequest log, Answer answer, Throwable failure,
            long started, AdmissionLimit.Admission admission) {
        if (context != null && Vertx.currentContext() != context) {
            context.runOnContext(ignored -> finish(rc, null, log, answer, failure, started, admission));
            return;
        }
        countRequest(log.endpointId, answer.status());
        answer(rc, answer);
        admission.ended(answer.status());
        long nanos = System.nanoTime() - started;
        requestDuration.record(nanos, TimeUnit.NANOSECONDS);
        logged(log, answer.status(), failure, nanos);
    }

    /** Writes a delivery's event log entry (once its endpoint is known) with how it was answered. */
    void logged(LoggedRequest log, int status, Throwable failure, long nanos) {
        if (log.id != null) {
            log.statusCode = status;
            log.durationMs = (int) Math.min(Integer.MAX_VALUE, nanos / 1_000_000);
            if (failure != null) {
                log.verified = !(status == 401 || status == 403);
                log.outcome = status == 503 ? "failed" : "rejected";
                if (failure instanceof ProblemException p) {
                    log.errorCode = p.code();
                    log.error = p.getMessage();
                } else {
                    log.errorCode = "internal_error";
                }
            } else {
                log.verified = true;
            }
            eventLog.enqueue(log);
        }
    }

    /**
     * From the looked-up endpoint to the answer. The steps that need no I/O run directly rather than as Mutiny stages
     * (each stage costs on the hot path); whatever they throw becomes the failure of the returned Uni.
     */
    private Uni<Answer> accept(RoutingContext rc, String endpointId, Optional<Endpoint> found, byte[] body,
            LoggedRequest log, AdmissionLimit.Admission admission) {
        try {
            Endpoint endpoint = found.filter(e -> e.spec().isEnabled()).orElseThrow(
                    () -> ProblemException.notFound("endpoint_not_found", "No enabled endpoint " + endpointId));
            HttpServerRequest request = rc.request();
            start(log, endpoint, request, body);
            EndpointSpec spec = endpoint.spec();
            if (spec.rateLimit() == null && (spec.sourceIpRateLimit() == null || log.sourceIp == null)) {
                return handle(endpoint, body, request.headers(), log, admission);
            }
            return limit(endpoint, log.sourceIp)
                    .chain(() -> handle(endpoint, body, request.headers(), log, admission));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The endpoint's and the source IP's rate limits, before any work is done for the request. */
    private Uni<Void> limit(Endpoint endpoint, String sourceIp) {
        EndpointSpec spec = endpoint.spec();
        Uni<Optional<Duration>> byEndpoint = spec.rateLimit() == null ? Uni.createFrom().item(Optional.empty())
                : rateLimiter.acquire(endpoint.id(), spec.rateLimit());
        return byEndpoint.chain(wait -> wait.isPresent() || spec.sourceIpRateLimit() == null || sourceIp == null
                        ? Uni.createFrom().item(wait)
                        : rateLimiter.acquire(endpoint.id() + ":ip:" + sourceIp, spec.sourceIpRateLimit()))
                .invoke(wait -> wait.ifPresent(w -> {
                    registry.counter("webhook_rate_limited_total", "endpoint", endpoint.id()).increment();
                    throw new ProblemException(429, "rate_limited", "Too many requests",
                            "The endpoint's rate limit is exhausted; retry in " + w.toMillis() + " ms")
                            .withHeader("Retry-After", Long.toString(Math.max(1, (w.toMillis() + 999) / 1000)));
                }))
                .replaceWithVoid();
    }

    void start(LoggedRequest log, Endpoint endpoint, HttpServerRequest request, byte[] body) {
        log.id = RunIds.next();
        log.endpointId = endpoint.id();
        log.tenantId = endpoint.tenantId();
        log.receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
        log.method = request.method().name();
        log.sourceIp = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        MultiMap headers = request.headers();
        log.userAgent = headers.get(HttpHeaders.USER_AGENT);
        log.headers = LoggedRequest.redact(headers, endpoint.spec().auth().header());
        log.contentType = headers.get(HttpHeaders.CONTENT_TYPE);
        log.body(body, config.eventLogBodyBytes());
    }

    private Uni<Answer> handle(Endpoint endpoint, byte[] body, MultiMap headers, LoggedRequest log,
            AdmissionLimit.Admission admission) {
        UnaryOperator<String> header = headers::get;
        boolean heavy = body.length > INLINE_BYTES
                || endpoint.spec().transform() != null && endpoint.spec().transform().jsonata() != null
                || endpoint.filter() != null && endpoint.filter().costly();
        if (!heavy) {
            Prepared prepared;
            try {
                prepared = prepare(endpoint, body, headers, header);
            } catch (ProblemException e) {
                countRefusal(endpoint, e);
                throw e;
            }
            return route(endpoint, prepared, header, log, admission);
        }
        Context context = Vertx.currentContext();
        return Uni.createFrom().item(() -> prepare(endpoint, body, headers, header))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(on(context))
                .onFailure(ProblemException.class).invoke(e -> countRefusal(endpoint, e))
                .chain(p -> route(endpoint, p, header, log, admission));
    }

    private Prepared prepare(Endpoint endpoint, byte[] body, MultiMap headers, UnaryOperator<String> header) {
        // Only a CEL filter reads the headers as a map; building it for every request would cost for nothing.
        Map<String, String> lowerCase = endpoint.filter() == null ? Map.of() : lowerCase(headers);
        return Prepared.of(endpoint, parser, headers.get(HttpHeaders.CONTENT_TYPE), body, header, lowerCase,
                Instant.now());
    }

    void countRefusal(Endpoint endpoint, Throwable e) {
        ProblemException p = (ProblemException) e;
        if (p.status() == 401 || p.status() == 403) {
            registry.counter("webhook_verification_failures_total", "reason", p.code()).increment();
            verificationFailures.record(endpoint, p.code());
        } else if (FILTER_TOO_EXPENSIVE.equals(p.code())) {
            registry.counter("webhook_filter_limit_exceeded_total", "endpoint", endpoint.id()).increment();
            filterLimitLog.run(endpoint.id(), () -> LOG.warnf("Endpoint %s: its filter hit the CEL sandbox's limits"
                    + " on a delivery (422 filter_too_expensive): %s", endpoint.id(), p.getMessage()));
        }
    }

    Uni<Answer> route(Endpoint endpoint, Prepared prepared, UnaryOperator<String> header,
            LoggedRequest log, AdmissionLimit.Admission admission) {
        if (prepared.handshake() != null) {
            log.outcome = "handshake";
            LOG.infof("Handshake on endpoint %s answered without publishing: %s", endpoint.id(),
                    prepared.handshake().keySet());
            return Uni.createFrom().item(json(200, prepared.handshake()));
        }
        if (prepared.filteredBecause() != null) {
            log.outcome = "filtered";
            log.error = prepared.filteredBecause();
            registry.counter("webhook_filtered_total", "endpoint", endpoint.id()).increment();
            return Uni.createFrom().item(json(200, Map.of("status", "filtered", "reason",
                    prepared.filteredBecause())));
        }
        EndpointSpec spec = endpoint.spec();
        String deliveryId = DeliveryIds.of(spec, header, prepared.parsed());
        log.deliveryId = deliveryId;
        TriggerEvent event = Deliveries.event(endpoint, prepared.payload(), header, deliveryId);
        if (deliveryId == null) {
            return publish(endpoint, event, null, log, admission);
        }
        return dedup.claim(endpoint.id(), deliveryId, event.id(), config.dedupWindow()).chain(original -> {
            if (original.isPresent()) {
                registry.counter("webhook_dedup_hits_total", "endpoint", endpoint.id()).increment();
                log.outcome = "duplicate";
                log.runId = original.get();
                return Uni.createFrom().item(accepted(original.get(), "duplicate"));
            }
            return publish(endpoint, event, deliveryId, log, admission);
        });
    }

    /**
     * Publishes a claimed (or id-less) delivery: 202 once Kafka acknowledged, or the run's result for sync endpoints.
     * A sync delivery leaves the admission limit once its event is durable: the agent's run is not the ingress's
     * latency, and a wait for it must not hold a place that other deliveries need.
     */
    private Uni<Answer> publish(Endpoint endpoint, TriggerEvent event, String deliveryId, LoggedRequest log,
            AdmissionLimit.Admission admission) {
        EndpointSpec spec = endpoint.spec();
        if (spec.responseMode() != ResponseMode.SYNC) {
            return publisher.publish(endpoint, event, deliveryId).map(ignored -> {
                log.outcome = "accepted";
                log.runId = event.id();
                return accepted(event.id(), "accepted");
            });
        }
        // Wait first, then publish, so the outcome cannot arrive before anyone listens for it.
        RunWaiter.Registration wait = waiter.register(event.id()).orElseThrow(() -> ProblemException.unavailable(
                "too_many_waits", "Too many requests are waiting for results; retry later", 1));
        return publisher.publish(endpoint, event, deliveryId)
                .onFailure().invoke(wait::cancel)
                .chain(() -> {
                    admission.answered();
                    log.outcome = "accepted";
                    log.runId = event.id();
                    return wait.await(Duration.ofSeconds(spec.syncTimeoutSeconds()));
                })
                .map(outcome -> of(outcome.map(SyncAnswers::of).orElseGet(() -> SyncAnswers.timeout(event.id()))));
    }

    private static Executor on(Context context) {
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }

    void countRequest(String endpointId, int status) {
        CounterKey key = new CounterKey(endpointId, status);
        Counter counter = requestCounters.get(key);
        if (counter == null) {
            counter = requestCounters.computeIfAbsent(key, k -> requestCounter(registry, endpointId, status));
        }
        counter.increment();
    }

    /** An endpoint's id (null for unknown) and a status: the counter's key without building a string per request. */
    private record CounterKey(String endpointId, int status) {
    }

    /**
     * {@code webhook_requests_total} by endpoint and status. Requests that matched no enabled endpoint are counted
     * under {@code unknown}, so ids made up by callers cannot grow the set of tags.
     */
    private static Counter requestCounter(MeterRegistry registry, String endpointId, int status) {
        return registry.counter("webhook_requests_total", "endpoint", endpointId == null ? "unknown" : endpointId,
                "status", Integer.toString(status));
    }

    /** Request headers by lower-case name (first value), for filters; credentials are left out. */
    static Map<String, String> lowerCase(MultiMap headers) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String key = h.getKey().toLowerCase(Locale.ROOT);
            if (!key.equals("authorization") && !key.equals("cookie")) {
                out.putIfAbsent(key, h.getValue());
            }
        }
        return out;
    }

    // ---- answers

    /** What the route answers: a status, headers and a body already in its wire form. */
    record Answer(int status, String contentType, String body, Map<String, String> headers) {
    }

    /**
     * {@code 202 {runId, status}} with {@code Location: /api/v1/runs/{runId}} as documented, the body written
     * directly (run ids are UUIDs and need no escaping).
     */
    static Answer accepted(String runId, String status) {
        return new Answer(202, JSON, "{\"runId\":\"" + runId + "\",\"status\":\"" + status + "\"}",
                Map.of("Location", "/api/v1/runs/" + runId));
    }

    private Answer json(int status, Object body) {
        return new Answer(status, JSON, write(body), Map.of());
    }

    /** A Jakarta REST response built by shared code (sync answers) in the route's terms. */
    private Answer of(Response response) {
        Map<String, String> headers = new HashMap<>();
        response.getStringHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !values.isEmpty()) {
                headers.put(name, String.join(", ", values));
            }
        });
        Object entity = response.getEntity();
        String type = response.getMediaType() == null ? JSON : response.getMediaType().toString();
        return new Answer(response.getStatus(), type, entity == null ? null : entity instanceof String s ? s
                : write(entity), headers);
    }

    String write(Object body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer", e);
        }
    }

    /** A refusal as problem+json; anything else is a 500 with an incident id, logged with its cause. */
    Answer problem(RoutingContext rc, Throwable failure) {
        String path = rc.request().path();
        if (failure instanceof ProblemException p) {
            return of(ProblemMappers.respond(p.status(), p.code(), p.title(), p.getMessage(), path, p.errors(),
                    p.headers()));
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(failure, "Unhandled error on %s (incident %s)", path, incident);
        return of(ProblemMappers.respond(500, "internal_error", "Internal error",
                "The server failed to handle the request (incident " + incident + ")", path, List.of(), Map.of()));
    }

    static void answer(RoutingContext rc, Answer answer) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(answer.status());
        answer.headers().forEach(response::putHeader);
        if (answer.body() == null) {
            response.end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType());
        response.end(answer.body());
    }
}
