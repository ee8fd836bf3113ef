package io.agenttriggers.webhook.api;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.sync.RunWaiter;
import io.agenttriggers.common.sync.SyncAnswers;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.BodyParser;
import io.agenttriggers.webhook.domain.Deliveries;
import io.agenttriggers.webhook.domain.DeliveryIds;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.agenttriggers.webhook.domain.Prepared;
import io.agenttriggers.webhook.messaging.TriggerPublisher;
import io.agenttriggers.webhook.persistence.DedupStore;
import io.agenttriggers.webhook.persistence.EndpointCache;
import io.agenttriggers.webhook.persistence.EventLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Receives webhooks: size limit ({@link BodyLimitFilter}) → endpoint lookup → authentication over the raw bytes → parse
 * → delivery-id dedup → publish (acks=all) → {@code 202}. A 2xx is never answered for an event that is not durable on
 * Kafka.
 */
@Path("/webhooks/{endpointId}")
@Tag(name = "Webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    /** Bodies above this are verified and parsed on a worker thread, off the event loop. */
    private static final int INLINE_BYTES = 64 * 1024;

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
    io.agenttriggers.common.ratelimit.RedisRateLimiter rateLimiter;

    private BodyParser parser;

    private Timer requestDuration;

    @PostConstruct
    void init() {
        parser = new BodyParser(config.maxDepth(), config.maxFields());
        requestDuration = Timer.builder("webhook_request_duration").publishPercentileHistogram().register(registry);
    }

    @POST
    @RequestBody(description = "The provider's payload, as sent (JSON, XML, form-urlencoded or text)",
            content = @Content(mediaType = "*/*"))
    @Operation(summary = "Deliver a webhook", description = "202 {runId,status} once the event is durable on Kafka.")
    @APIResponse(responseCode = "202", description = "Accepted (or a repeat of an accepted delivery: status duplicate)")
    @APIResponse(responseCode = "200", description = "Filtered out, or a handshake (ping, URL verification) answered")
    @APIResponse(responseCode = "400", description = "The body cannot be parsed")
    @APIResponse(responseCode = "401", description = "Missing or invalid credentials")
    @APIResponse(responseCode = "403", description = "Bad signature, or a timestamp outside the tolerance")
    @APIResponse(responseCode = "404", description = "Unknown or disabled endpoint")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "Unsupported content type")
    @APIResponse(responseCode = "422", description = "The delivery does not fit the endpoint's transform")
    @APIResponse(responseCode = "503", description = "The event could not be made durable; retry after Retry-After")
    public Uni<Response> post(@PathParam("endpointId") String endpointId, HttpHeaders headers,
            @Context RoutingContext rc) {
        return receive(endpointId, body(rc), headers, rc.request());
    }

    @PUT
    @Operation(summary = "Deliver a webhook (PUT)")
    public Uni<Response> put(@PathParam("endpointId") String endpointId, HttpHeaders headers,
            @Context RoutingContext rc) {
        return receive(endpointId, body(rc), headers, rc.request());
    }

    @PATCH
    @Operation(summary = "Deliver a webhook (PATCH)")
    public Uni<Response> patch(@PathParam("endpointId") String endpointId, HttpHeaders headers,
            @Context RoutingContext rc) {
        return receive(endpointId, body(rc), headers, rc.request());
    }

    /** The body {@link BodyLimitFilter} read, within the limit. */
    private static byte[] body(RoutingContext rc) {
        Buffer body = rc.body() == null ? null : rc.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    private Uni<Response> receive(String endpointId, byte[] raw, HttpHeaders headers, HttpServerRequest request) {
        long started = System.nanoTime();
        byte[] body = raw == null ? new byte[0] : raw;
        LoggedRequest log = new LoggedRequest();
        Optional<Endpoint> cached = endpoints.cached(endpointId);
        Uni<Response> answer = cached != null ? accept(endpointId, cached, body, headers, request, log)
                : endpoints.get(endpointId).chain(found -> accept(endpointId, found, body, headers, request, log));
        return answer.onItemOrFailure().invoke((response, failure) -> {
            int status = response != null ? response.getStatus()
                    : failure instanceof ProblemException p ? p.status() : 500;
            countRequest(log.endpointId, status);
            long nanos = System.nanoTime() - started;
            requestDuration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (log.id != null) {
                finish(log, status, failure, nanos);
                eventLog.enqueue(log);
            }
        });
    }

    /**
     * From the looked-up endpoint to the answer. The steps that need no I/O run directly rather than as Mutiny stages
     * (each stage costs on the hot path); whatever they throw becomes the failure of the returned Uni, as before.
     */
    private Uni<Response> accept(String endpointId, Optional<Endpoint> found, byte[] body, HttpHeaders headers,
            HttpServerRequest request, LoggedRequest log) {
        try {
            Endpoint endpoint = found.filter(e -> e.spec().isEnabled()).orElseThrow(
                    () -> ProblemException.notFound("endpoint_not_found", "No enabled endpoint " + endpointId));
            start(log, endpoint, request, headers, body);
            EndpointSpec spec = endpoint.spec();
            if (spec.rateLimit() == null && (spec.sourceIpRateLimit() == null || log.sourceIp == null)) {
                return handle(endpoint, body, headers, log);
            }
            return limit(endpoint, log.sourceIp).chain(() -> handle(endpoint, body, headers, log));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The endpoint's and the source IP's rate limits, before any work is done for the request. */
    private Uni<Void> limit(Endpoint endpoint, String sourceIp) {
        EndpointSpec spec = endpoint.spec();
        Uni<Optional<java.time.Duration>> byEndpoint = spec.rateLimit() == null ? Uni.createFrom().item(Optional.empty())
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

    private void start(LoggedRequest log, Endpoint endpoint, HttpServerRequest request, HttpHeaders headers,
            byte[] body) {
        log.id = RunIds.next();
        log.endpointId = endpoint.id();
        log.tenantId = endpoint.tenantId();
        log.receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
        log.method = request.method().name();
        log.sourceIp = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        log.userAgent = headers.getHeaderString("User-Agent");
        Map<String, String> all = new java.util.HashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> all.put(k, String.join(", ", v)));
        log.headers = LoggedRequest.redact(all, endpoint.spec().auth().header());
        log.contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        log.body(body, config.eventLogBodyBytes());
    }

    private static void finish(LoggedRequest log, int status, Throwable failure, long nanos) {
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
    }

    private Uni<Response> handle(Endpoint endpoint, byte[] body, HttpHeaders headers, LoggedRequest log) {
        if (body.length > config.maxBodyBytes()) {
            throw new ProblemException(413, "payload_too_large", "Payload too large",
                    "The body has " + body.length + " bytes; the limit is " + config.maxBodyBytes());
        }
        UnaryOperator<String> header = headers::getHeaderString;
        boolean heavy = body.length > INLINE_BYTES
                || endpoint.spec().transform() != null && endpoint.spec().transform().jsonata() != null;
        if (!heavy) {
            Prepared prepared;
            try {
                prepared = prepare(endpoint, body, headers, header);
            } catch (ProblemException e) {
                countVerificationFailure(e);
                throw e;
            }
            return route(endpoint, prepared, header, log);
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return Uni.createFrom().item(() -> prepare(endpoint, body, headers, header))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(on(context))
                .onFailure(ProblemException.class).invoke(this::countVerificationFailure)
                .chain(p -> route(endpoint, p, header, log));
    }

    private Prepared prepare(Endpoint endpoint, byte[] body, HttpHeaders headers, UnaryOperator<String> header) {
        return Prepared.of(endpoint, parser, headers.getHeaderString(HttpHeaders.CONTENT_TYPE), body, header,
                lowerCase(headers), Instant.now());
    }

    private void countVerificationFailure(Throwable e) {
        ProblemException p = (ProblemException) e;
        if (p.status() == 401 || p.status() == 403) {
            registry.counter("webhook_verification_failures_total", "reason", p.code()).increment();
        }
    }

    private Uni<Response> route(Endpoint endpoint, Prepared prepared, UnaryOperator<String> header,
            LoggedRequest log) {
        if (prepared.handshake() != null) {
            log.outcome = "handshake";
            LOG.infof("Handshake on endpoint %s answered without publishing: %s", endpoint.id(),
                    prepared.handshake().keySet());
            return Uni.createFrom().item(Response.ok(prepared.handshake()).build());
        }
        if (prepared.filteredBecause() != null) {
            log.outcome = "filtered";
            log.error = prepared.filteredBecause();
            registry.counter("webhook_filtered_total", "endpoint", endpoint.id()).increment();
            return Uni.createFrom().item(Response.ok(Map.of("status", "filtered", "reason",
                    prepared.filteredBecause())).build());
        }
        EndpointSpec spec = endpoint.spec();
        String deliveryId = DeliveryIds.of(spec, header, prepared.parsed());
        log.deliveryId = deliveryId;
        TriggerEvent event = Deliveries.event(endpoint, prepared.payload(), header, deliveryId);
        if (deliveryId == null) {
            return publish(endpoint, event, null, log);
        }
        return dedup.claim(endpoint.id(), deliveryId, event.id(), config.dedupWindow()).chain(original -> {
            if (original.isPresent()) {
                registry.counter("webhook_dedup_hits_total", "endpoint", endpoint.id()).increment();
                log.outcome = "duplicate";
                log.runId = original.get();
                return Uni.createFrom().item(accepted(original.get(), "duplicate"));
            }
            return publish(endpoint, event, deliveryId, log);
        });
    }

    /** Publishes a claimed (or id-less) delivery: 202 once Kafka acknowledged, or the run's result for sync endpoints. */
    private Uni<Response> publish(Endpoint endpoint, TriggerEvent event, String deliveryId, LoggedRequest log) {
        EndpointSpec spec = endpoint.spec();
        if (spec.responseMode() != io.agenttriggers.common.event.ResponseMode.SYNC) {
            return publisher.publish(endpoint, event, deliveryId).map(ignored -> {
                log.outcome = "accepted";
                log.runId = event.id();
                return accepted(event.id(), "accepted");
            });
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        // Wait first, then publish, so the outcome cannot arrive before anyone listens for it.
        RunWaiter.Registration wait = waiter.register(event.id()).orElseThrow(() -> ProblemException.unavailable(
                "too_many_waits", "Too many requests are waiting for results; retry later", 1));
        return publisher.publish(endpoint, event, deliveryId)
                .onFailure().invoke(wait::cancel)
                .chain(() -> {
                    log.outcome = "accepted";
                    log.runId = event.id();
                    return wait.await(java.time.Duration.ofSeconds(spec.syncTimeoutSeconds()));
                })
                // The outcome arrives on the consumer's thread; the answer is built back on the request's context.
                .emitOn(on(context))
                .map(outcome -> outcome.map(SyncAnswers::of).orElseGet(() -> SyncAnswers.timeout(event.id())));
    }

    /** {@code webhook_requests_total} by endpoint and status, looked up once: the tagged lookup costs on every request. */
    private final java.util.concurrent.ConcurrentHashMap<String, io.micrometer.core.instrument.Counter> requestCounters =
            new java.util.concurrent.ConcurrentHashMap<>();

    private void countRequest(String endpointId, int status) {
        requestCounters.computeIfAbsent(endpointId + " " + status, k -> requestCounter(registry, endpointId, status))
                .increment();
    }

    /**
     * Continues on the request's Vert.x (duplicated) context, where its CDI request context lives: without
     * MicroProfile Context Propagation (application.properties) nothing carries it to other threads.
     */
    private static java.util.concurrent.Executor on(io.vertx.core.Context context) {
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }

    /**
     * Counts an answered request by endpoint and status. Requests that matched no enabled endpoint are counted under
     * {@code unknown}, so ids made up by callers cannot grow the set of tags.
     */
    static void countRequest(MeterRegistry registry, String endpointId, int status) {
        requestCounter(registry, endpointId, status).increment();
    }

    private static io.micrometer.core.instrument.Counter requestCounter(MeterRegistry registry, String endpointId,
            int status) {
        return registry.counter("webhook_requests_total", "endpoint", endpointId == null ? "unknown" : endpointId,
                "status", Integer.toString(status));
    }

    /** Request headers by lower-case name (first value), for filters; credentials are left out. */
    static Map<String, String> lowerCase(HttpHeaders headers) {
        Map<String, String> out = new java.util.HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            String key = name.toLowerCase(java.util.Locale.ROOT);
            if (!values.isEmpty() && !key.equals("authorization") && !key.equals("cookie")) {
                out.putIfAbsent(key, values.get(0));
            }
        });
        return out;
    }

    /**
     * {@code 202 {runId, status}} with {@code Location: /api/v1/runs/{runId}} as documented. The header is set as is:
     * {@code ResponseBuilder.location} would resolve it against the request URI, and the body is written directly
     * (run ids are UUIDs and need no escaping); both showed in the ingest profile.
     */
    static Response accepted(String runId, String status) {
        boolean plain = runId.chars().allMatch(c -> c > 0x1f && c != '"' && c != '\\');
        Object body = plain ? "{\"runId\":\"" + runId + "\",\"status\":\"" + status + "\"}"
                : Map.of("runId", runId, "status", status);
        return Response.accepted(body)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.LOCATION, "/api/v1/runs/" + runId)
                .build();
    }
}
