package io.agenttriggers.dispatcher.client;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The one bean that calls the agent runtime. One {@link #attempt} is one POST (with the run id as
 * {@code Idempotency-Key}) and, when the runtime answers {@code 202}, polling until the run ends or the poll
 * deadline passes. Every failure leaves as a classified {@link RuntimeFailure}.
 */
@ApplicationScoped
public class RuntimeClient {

    @Inject
    @RestClient
    AgentRuntimeApi api;

    @Inject
    DispatcherConfig config;

    public Uni<RuntimeAnswer> attempt(RuntimeRequest request, String traceparent, Duration timeout) {
        return api.start(request.runId(), traceparent, request)
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(RuntimeClient::classify)
                .chain(response -> {
                    try (response) {
                        int status = response.getStatus();
                        if (status == 200 || status == 201) {
                            return Uni.createFrom().item(finalAnswer(read(response)));
                        }
                        if (status == 202) {
                            RuntimeAnswer accepted = readLenient(response);
                            String id = agentRunId(response.getHeaderString("Location"), accepted);
                            return poll(id, System.nanoTime() + config.pollDeadline().toNanos(), 0, timeout);
                        }
                        throw httpFailure(response);
                    }
                });
    }

    private Uni<RuntimeAnswer> poll(String agentRunId, long deadlineNanos, int round, Duration timeout) {
        long base = Math.min(config.pollMax().toMillis(), config.pollInitial().toMillis() << Math.min(round, 16));
        Duration delay = Duration.ofMillis(Math.max(1, base));
        return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .chain(() -> api.get(agentRunId).ifNoItem().after(timeout).fail())
                .map(response -> {
                    try (response) {
                        if (response.getStatus() == 200) {
                            RuntimeAnswer answer = read(response);
                            return answer.succeeded() || answer.failed() ? finalAnswer(answer) : null;
                        }
                        if (response.getStatus() == 404 || (response.getStatus() >= 400 && response.getStatus() < 500
                                && response.getStatus() != 429)) {
                            throw httpFailure(response);
                        }
                        return null; // 202, 5xx, 429: still running or briefly unavailable; poll on
                    }
                })
                .onFailure(e -> !(e instanceof RuntimeFailure f && !f.retryable())).recoverWithNull()
                .chain(answer -> {
                    if (answer != null) {
                        return Uni.createFrom().item(answer);
                    }
                    if (System.nanoTime() > deadlineNanos) {
                        return Uni.createFrom().failure(new RuntimeFailure(true, null, "poll_timeout",
                                "the run did not finish within " + config.pollDeadline(), null));
                    }
                    return poll(agentRunId, deadlineNanos, round + 1, timeout);
                });
    }

    private static RuntimeAnswer finalAnswer(RuntimeAnswer answer) {
        if (answer.failed()) {
            throw new RuntimeFailure(false, 200, "agent_failed",
                    answer.error() == null ? "the agent reported failure" : answer.error(), null);
        }
        return answer;
    }

    private static RuntimeAnswer read(Response response) {
        try {
            return EventJson.MAPPER.readValue(response.readEntity(String.class), RuntimeAnswer.class);
        } catch (IOException | RuntimeException e) {
            throw new RuntimeFailure(true, response.getStatus(), "invalid_answer",
                    "the runtime answered something that is not a run", null);
        }
    }

    private static RuntimeAnswer readLenient(Response response) {
        try {
            String body = response.readEntity(String.class);
            return body == null || body.isBlank() ? null : EventJson.MAPPER.readValue(body, RuntimeAnswer.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String agentRunId(String location, RuntimeAnswer accepted) {
        if (location != null && !location.isBlank()) {
            String path = location.replaceAll("[?#].*$", "");
            return path.substring(path.lastIndexOf('/') + 1);
        }
        if (accepted != null && accepted.agentRunId() != null) {
            return accepted.agentRunId();
        }
        throw new RuntimeFailure(false, 202, "invalid_answer", "202 without a Location or agentRunId", null);
    }

    private static RuntimeFailure httpFailure(Response response) {
        int status = response.getStatus();
        boolean retryable = retryable(status);
        return new RuntimeFailure(retryable, status, "http_" + status, "the runtime answered " + status,
                retryAfter(response.getHeaderString("Retry-After")));
    }

    /** 5xx and 429 can clear; every other status (408 and the other 4xx included) is not worth repeating. */
    public static boolean retryable(int status) {
        return status >= 500 || status == 429;
    }

    public static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(header.trim(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (java.time.format.DateTimeParseException ignored) {
                return null;
            }
        }
    }

    private static Throwable classify(Throwable e) {
        if (e instanceof RuntimeFailure) {
            return e;
        }
        if (e instanceof TimeoutException) {
            return new RuntimeFailure(true, null, "timeout", "the runtime did not answer in time", null);
        }
        return new RuntimeFailure(true, null, "connection_error",
                "the runtime could not be reached: " + e.getClass().getSimpleName(), null);
    }

    /**
     * Capped exponential backoff with full jitter; an honoured {@code Retry-After} is a floor, within the cap; never
     * below 1 ms.
     */
    public static Duration backoff(int attempt, Duration initial, Duration max, Duration retryAfter) {
        long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 20));
        long jittered = ThreadLocalRandom.current().nextLong(cap + 1);
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), max.toMillis());
        // At least 1 ms: a zero delay is not a delay to Mutiny (it refuses it), and a jitter draw can be 0.
        return Duration.ofMillis(Math.max(1, Math.max(jittered, floor)));
    }
}
