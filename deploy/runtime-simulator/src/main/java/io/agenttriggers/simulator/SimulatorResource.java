package io.agenttriggers.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in agent runtime implementing {@code POST /v1/runs} and {@code GET /v1/runs/{id}}, with configurable
 * latency, failures and 202-then-poll mode. It counts every POST, in total and per {@code Idempotency-Key}, so
 * tests can prove a run was started exactly once. A repeated key returns the run it started before.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class SimulatorResource {

    /** Bound on remembered keys, so a long benchmark cannot exhaust memory. */
    static final int MAX_REMEMBERED = 200_000;
    /**
     * Bound on remembered runs (each holds its result, an echo of the payload): only 202-then-poll needs them, and
     * only for a while. 200,000 of them filled the stack's 256 MiB heap during a benchmark.
     */
    static final int MAX_RUNS = 20_000;

    @Inject
    ObjectMapper mapper;

    @Inject
    jakarta.validation.Validator validator;

    private static final AtomicReference<SimulatorSettings> SETTINGS =
            new AtomicReference<>(SimulatorSettings.defaults());
    private static final AtomicLong TOTAL = new AtomicLong();
    private static final Map<String, Long> BY_KEY = bounded(MAX_REMEMBERED);
    private static final Map<String, SimRun> RUNS = bounded(MAX_RUNS);
    private static final Map<String, String> RUN_BY_KEY = bounded(MAX_REMEMBERED);
    /** Agent runs actually started per Idempotency-Key (a repeat of a known key starts nothing). */
    private static final Map<String, Long> STARTED_BY_KEY = bounded(MAX_REMEMBERED);
    private static final AtomicLong STARTED = new AtomicLong();

    record SimRun(String agentRunId, JsonNode result, long completeAtMillis, double costUsd, int llmCalls) {
    }

    private static <V> Map<String, V> bounded(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        });
    }

    @POST
    @Path("runs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> start(@HeaderParam("Idempotency-Key") String key, JsonNode request) {
        TOTAL.incrementAndGet();
        if (key != null) {
            BY_KEY.merge(key, 1L, Long::sum);
        }
        SimulatorSettings s = SETTINGS.get();
        long latency = s.latencyMs() + (s.latencyJitterMs() > 0
                ? ThreadLocalRandom.current().nextLong(s.latencyJitterMs() + 1) : 0);
        Uni<Response> answer = Uni.createFrom().item(() -> answer(key, request, s));
        // Mutiny refuses a zero delay: latencyMs 0 answers at once.
        return latency > 0 ? answer.onItem().delayIt().by(Duration.ofMillis(latency)) : answer;
    }

    private Response answer(String key, JsonNode request, SimulatorSettings s) {
        String known = key == null ? null : RUN_BY_KEY.get(key);
        if (known != null && RUNS.containsKey(known)) {
            return describe(RUNS.get(known), s.mode().equals("async"));
        }
        if (s.failureRatio() > 0 && ThreadLocalRandom.current().nextDouble() < s.failureRatio()) {
            Response.ResponseBuilder failure = Response.status(s.failureStatus())
                    .type("application/problem+json")
                    .entity(Map.of("status", s.failureStatus(), "title", "Simulated failure"));
            if (s.retryAfterSeconds() != null) {
                failure.header("Retry-After", s.retryAfterSeconds());
            }
            return failure.build();
        }
        String agentRunId = "sim-" + UUID.randomUUID();
        ObjectNode result = mapper.createObjectNode();
        String eventName = request == null ? null : request.path("eventName").asText(null);
        String tenant = request == null ? null : request.path("tenantId").asText(null);
        result.put("reply", "Handled " + eventName + " for " + tenant);
        result.set("echo", request == null ? null : request.get("payload"));
        boolean async = s.mode().equals("async");
        SimRun run = new SimRun(agentRunId, result,
                System.currentTimeMillis() + (async ? s.asyncCompletionMs() : 0), s.costUsd(), s.llmCalls());
        RUNS.put(agentRunId, run);
        STARTED.incrementAndGet();
        if (key != null) {
            RUN_BY_KEY.put(key, agentRunId);
            STARTED_BY_KEY.merge(key, 1L, Long::sum);
        }
        return describe(run, async);
    }

    private Response describe(SimRun run, boolean asyncAnswer) {
        boolean done = System.currentTimeMillis() >= run.completeAtMillis();
        if (asyncAnswer && !done) {
            return Response.accepted(Map.of("agentRunId", run.agentRunId(), "status", "running"))
                    .location(URI.create("/v1/runs/" + run.agentRunId()))
                    .build();
        }
        return Response.ok(body(run, done)).build();
    }

    private ObjectNode body(SimRun run, boolean done) {
        ObjectNode body = mapper.createObjectNode();
        body.put("agentRunId", run.agentRunId());
        body.put("status", done ? "succeeded" : "running");
        if (done) {
            body.set("result", run.result());
            body.put("costUsd", run.costUsd());
            body.put("llmCalls", run.llmCalls());
        }
        return body;
    }

    @GET
    @Path("runs/{agentRunId}")
    public Response get(@PathParam("agentRunId") String agentRunId) {
        SimRun run = RUNS.get(agentRunId);
        if (run == null) {
            return Response.status(404).type("application/problem+json")
                    .entity(Map.of("status", 404, "title", "No such run", "code", "run_not_found")).build();
        }
        return Response.ok(body(run, System.currentTimeMillis() >= run.completeAtMillis())).build();
    }

    @GET
    @Path("stats")
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", TOTAL.get());
        out.put("started", STARTED.get());
        synchronized (BY_KEY) {
            out.put("byIdempotencyKey", new TreeMap<>(BY_KEY));
        }
        synchronized (STARTED_BY_KEY) {
            out.put("startedByIdempotencyKey", new TreeMap<>(STARTED_BY_KEY));
        }
        return out;
    }

    @DELETE
    @Path("stats")
    public Response reset() {
        TOTAL.set(0);
        STARTED.set(0);
        BY_KEY.clear();
        STARTED_BY_KEY.clear();
        return Response.noContent().build();
    }

    @GET
    @Path("config")
    public SimulatorSettings config() {
        return SETTINGS.get();
    }

    /** Changes the given settings only; the others keep their values. */
    @PUT
    @Path("config")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response configure(@NotNull JsonNode changes) {
        if (!changes.isObject()) {
            return problem(400, "The body is a JSON object of settings to change");
        }
        ObjectNode merged = mapper.valueToTree(SETTINGS.get());
        for (Map.Entry<String, JsonNode> field : changes.properties()) {
            if (!merged.has(field.getKey())) {
                return problem(400, "Unknown setting '" + field.getKey() + "'");
            }
            merged.set(field.getKey(), field.getValue());
        }
        SimulatorSettings settings;
        try {
            settings = mapper.treeToValue(merged, SimulatorSettings.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return problem(400, "Settings of the wrong type");
        }
        var violations = validator.validate(settings);
        if (!violations.isEmpty()) {
            var v = violations.iterator().next();
            return problem(400, v.getPropertyPath() + " " + v.getMessage());
        }
        SETTINGS.set(settings);
        return Response.ok(settings).build();
    }

    private static Response problem(int status, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("status", status, "title", "Invalid settings", "detail", detail)).build();
    }
}
