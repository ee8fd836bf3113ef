package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTrigger;
import io.agenttriggers.api.domain.JsonBodies;
import io.agenttriggers.api.domain.RouteTable;
import io.agenttriggers.api.domain.Sanitizer;
import io.agenttriggers.api.persistence.RouteRegistry;
import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.overload.AdmissionLimit;
import io.agenttriggers.common.overload.BacklogGate;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.ratelimit.RedisRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Serves the API triggers at their own paths. In order: the route (404/405), the caller (401/403), the body (413,
 * 415, 400 for bad or too deep JSON), sanitization, the request schema (422 with the failing paths), the per-key and
 * per-trigger rate limits (429 + Retry-After), the Idempotency-Key, then the run starts (see {@link TriggerRuns}).
 */
@Path("/")
@Tag(name = "API triggers")
public class ApiTriggerResource {

    /** Longest accepted Idempotency-Key. */
    static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final int MAX_QUERY_PARAMS = 100;
    private static final int MAX_TEMPLATE_VALUE = 1024;

    @Inject
    ApiGatewayConfig config;

    @Inject
    BacklogGate backlog;

    @Inject
    AdmissionLimit admissions;

    @Inject
    RouteRegistry routes;

    @Inject
    Callers callers;

    @Inject
    RedisRateLimiter rateLimiter;

    @Inject
    TriggerRuns runs;

    @Inject
    MeterRegistry registry;

    @Context
    io.vertx.core.http.HttpServerRequest request;

    private JsonBodies bodies;
    private Sanitizer sanitizer;

    @PostConstruct
    void init() {
        bodies = new JsonBodies(config.maxBodyBytes(), config.maxJsonDepth());
        sanitizer = new Sanitizer(java.util.Set.copyOf(config.dropFields()));
    }

    @POST
    @Path("{path: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fire an API trigger (POST)", description = "Async triggers answer 202 with the run id once "
            + "the event is durable on Kafka; sync triggers answer with the run's result, or 408 when it takes longer.")
    @APIResponse(responseCode = "200", description = "Sync: the run's result")
    @APIResponse(responseCode = "202", description = "Async: accepted; poll the Location for the result")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON, or nested too deeply")
    @APIResponse(responseCode = "401", description = "Missing or invalid API key or token")
    @APIResponse(responseCode = "403", description = "The credentials may not fire this trigger; or governance denied it")
    @APIResponse(responseCode = "404", description = "No API trigger at this path")
    @APIResponse(responseCode = "408", description = "Sync: the run did not end in time (it goes on)")
    @APIResponse(responseCode = "409", description = "The first request with this Idempotency-Key is in progress")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @APIResponse(responseCode = "422", description = "The body fails the trigger's schema, or the Idempotency-Key was "
            + "used for a different request")
    @APIResponse(responseCode = "429", description = "Rate limited (key, trigger or governance); see Retry-After")
    @APIResponse(responseCode = "502", description = "Sync: the run failed")
    @APIResponse(responseCode = "503", description = "Not durable, the pipeline is behind (overloaded), or governance "
            + "budget/quota/circuit; see Retry-After")
    public Uni<Response> post(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        return handle("POST", uri, headers, body);
    }

    @PUT
    @Path("{path: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fire an API trigger (PUT)")
    public Uni<Response> put(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        return handle("PUT", uri, headers, body);
    }

    @PATCH
    @Path("{path: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fire an API trigger (PATCH)")
    public Uni<Response> patch(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        return handle("PATCH", uri, headers, body);
    }

    @DELETE
    @Path("{path: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fire an API trigger (DELETE)")
    public Uni<Response> delete(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        return handle("DELETE", uri, headers, body);
    }

    @GET
    @Path("{path: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fire an API trigger (GET)", description = "The query parameters are the payload.")
    public Uni<Response> get(@Context UriInfo uri, @Context HttpHeaders headers) {
        return handle("GET", uri, headers, new byte[0]);
    }

    private Uni<Response> handle(String method, UriInfo uri, HttpHeaders headers, byte[] body) {
        // The raw (still percent-encoded) path: an encoded '/' inside a template value must not split a segment.
        String path = "/" + request.path().replaceFirst("^/+", "");
        RouteTable.Match match;
        AdmissionLimit.Admission admission;
        try {
            ProblemException overloaded = backlog.refusal();
            if (overloaded != null) {
                throw overloaded;
            }
            admission = admissions.admit().orElseThrow(admissions::refusal);
        } catch (ProblemException e) {
            count("unknown", e.status(), e.code());
            throw e;
        }
        try {
            match = resolve(method, path);
        } catch (ProblemException e) {
            admission.ignored();
            count("unknown", e.status(), e.code());
            throw e;
        }
        ApiTrigger trigger = match.trigger();
        return callers.of(trigger, headers)
                .chain(caller -> {
                    JsonNode payload = payload(trigger, match.params(), uri, headers, body);
                    return limits(trigger, caller).chain(() -> runs.start(start(trigger, payload, method, path,
                            headers, body, admission)));
                })
                .onItemOrFailure().invoke((response, failure) -> {
                    admission.ended(failure == null ? response.getStatus()
                            : failure instanceof ProblemException p ? p.status() : 500);
                    if (failure instanceof ProblemException p) {
                        count(trigger.id(), p.status(), p.code());
                    } else if (failure != null) {
                        count(trigger.id(), 500, "internal");
                    } else {
                        count(trigger.id(), response.getStatus(), null);
                    }
                });
    }

    private RouteTable.Match resolve(String method, String path) {
        RouteTable table = routes.table();
        return table.find(method, path).orElseThrow(() -> {
            List<String> allowed = table.methodsAt(path);
            if (allowed.isEmpty()) {
                return ProblemException.notFound("unknown_trigger", "No API trigger is registered at " + path);
            }
            return new ProblemException(405, "method_not_allowed", "Method not allowed",
                    method + " is not served at " + path).withHeader("Allow", String.join(", ", allowed));
        });
    }

    /** The body (or the query, when there is none), checked, sanitized and validated, with the template values. */
    private JsonNode payload(ApiTrigger trigger, Map<String, String> params, UriInfo uri, HttpHeaders headers,
            byte[] body) {
        JsonNode payload;
        if (body.length > 0) {
            if (body.length > config.maxBodyBytes()) {
                throw new ProblemException(413, "payload_too_large", "Payload too large",
                        "The body has " + body.length + " bytes; the limit is " + config.maxBodyBytes());
            }
            if (!isJson(headers.getMediaType())) {
                throw new ProblemException(415, "unsupported_media_type", "Unsupported media type",
                        "Send the body as application/json, not " + headers.getMediaType());
            }
            payload = sanitizer.with(trigger.dropFields()).sanitize(bodies.parse(body));
        } else {
            payload = query(uri.getQueryParameters());
        }
        List<FieldError> errors = trigger.validate(payload);
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "schema_violation", "Unprocessable content",
                    "The body does not match the trigger's request schema", errors);
        }
        if (params.isEmpty()) {
            return payload;
        }
        ObjectNode out;
        if (payload.isObject()) {
            out = ((ObjectNode) payload).deepCopy();
        } else {
            out = JsonNodeFactory.instance.objectNode();
            out.set("body", payload);
        }
        params.forEach((name, raw) -> {
            String value = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (value.length() > MAX_TEMPLATE_VALUE) {
                throw ProblemException.badRequest("path_value_too_long", "The value of {" + name + "} is longer than "
                        + MAX_TEMPLATE_VALUE + " characters");
            }
            out.put(name, Sanitizer.clean(value));
        });
        return out;
    }

    private ObjectNode query(MultivaluedMap<String, String> query) {
        if (query.size() > MAX_QUERY_PARAMS) {
            throw ProblemException.badRequest("too_many_parameters", "At most " + MAX_QUERY_PARAMS
                    + " query parameters are accepted");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        query.forEach((name, values) -> {
            if (values.size() == 1) {
                out.put(Sanitizer.clean(name), Sanitizer.clean(values.get(0)));
            } else {
                values.forEach(v -> out.withArray(Sanitizer.clean(name)).add(Sanitizer.clean(v)));
            }
        });
        return (ObjectNode) sanitizer.sanitize(out);
    }

    private Uni<Void> limits(ApiTrigger trigger, Callers.Caller caller) {
        Uni<Optional<Duration>> byKey = caller.rateLimit() == null ? Uni.createFrom().item(Optional.empty())
                : rateLimiter.acquire(caller.kind() + ":" + caller.id(), caller.rateLimit());
        return byKey.chain(wait -> {
            if (wait.isPresent()) {
                throw limited("key_rate_limited", "This API key's rate limit is exhausted", wait.get());
            }
            RateLimitSpec limit = trigger.rateLimit();
            return limit == null ? Uni.createFrom().item(Optional.<Duration>empty())
                    : rateLimiter.acquire("trigger:" + trigger.id(), limit);
        }).map(wait -> {
            if (wait.isPresent()) {
                throw limited("trigger_rate_limited", "This trigger's rate limit is exhausted", wait.get());
            }
            return null;
        });
    }

    private static ProblemException limited(String code, String detail, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new ProblemException(429, code, "Too many requests", detail + "; retry in " + seconds + " s")
                .withHeader("Retry-After", Long.toString(seconds));
    }

    private TriggerRuns.Start start(ApiTrigger trigger, JsonNode payload, String method, String path,
            HttpHeaders headers, byte[] body, AdmissionLimit.Admission admission) {
        String key = headers.getHeaderString("Idempotency-Key");
        String hash = null;
        if (key != null) {
            key = key.trim();
            if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw ProblemException.badRequest("invalid_idempotency_key", "An Idempotency-Key is 1-"
                        + MAX_IDEMPOTENCY_KEY + " visible ASCII characters");
            }
            // What makes two requests "the same": trigger, method, path (with its template values) and the body.
            hash = DeclarativeFiles.sha256(trigger.id() + "\n" + method + " " + path + "\n"
                    + new String(body, StandardCharsets.UTF_8) + "\n" + (body.length == 0 ? payload.toString() : ""));
        }
        TriggerEvent event = TriggerEvent.builder(TriggerType.API, trigger.source(), trigger.eventName(),
                        trigger.tenantId())
                .focus(trigger.focus())
                .workflowId(trigger.workflowId())
                .responseMode(trigger.responseMode())
                .traceparent(io.agenttriggers.common.trace.TraceContext.currentOr(headers.getHeaderString("traceparent")))
                .data(new TriggerData(payload, allowListed(headers), trigger.options()))
                .build();
        return new TriggerRuns.Start(event, trigger.id(), !trigger.authRequired(), trigger.responseMode(),
                trigger.syncTimeout(), key, hash, admission);
    }

    private void count(String trigger, int status, String reason) {
        registry.counter("api_requests_total", "trigger", trigger, "status", Integer.toString(status)).increment();
        if (status >= 400 && status < 500 && reason != null) {
            registry.counter("api_client_errors_total", "reason", reason).increment();
        }
    }

    static boolean isJson(MediaType type) {
        if (type == null) {
            return false;
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        return "application".equalsIgnoreCase(type.getType()) && (subtype.equals("json") || subtype.endsWith("+json"));
    }

    /** Headers worth giving the agent; credentials never pass. */
    static Map<String, String> allowListed(HttpHeaders headers) {
        Map<String, String> out = new TreeMap<>();
        for (String name : List.of("user-agent", "x-request-id", "content-type")) {
            String value = headers.getHeaderString(name);
            if (value != null && value.length() <= 512) {
                out.put(name, value);
            }
        }
        return out;
    }
}
