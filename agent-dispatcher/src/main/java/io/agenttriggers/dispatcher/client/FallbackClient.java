package io.agenttriggers.dispatcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Calls an event's fallback: a POST of the same request body the agent runtime gets, with the run id as
 * {@code Idempotency-Key}. A {@code 2xx} is success (a run-shaped answer is read as one; any other JSON becomes the
 * result); failures are classified like the runtime's: connection errors, timeouts, 5xx and 429 can be retried,
 * other 4xx cannot. Only {@code http} and {@code https} URLs are called.
 */
@ApplicationScoped
public class FallbackClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public Uni<RuntimeAnswer> call(String url, RuntimeRequest request, String traceparent, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new RuntimeFailure(false, null, "invalid_fallback_url",
                    "the fallback URL is not a URI", null));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            return Uni.createFrom().failure(new RuntimeFailure(false, null, "invalid_fallback_url",
                    "the fallback URL must be http or https", null));
        }
        byte[] body;
        try {
            body = EventJson.MAPPER.writeValueAsBytes(request);
        } catch (IOException e) {
            return Uni.createFrom().failure(new RuntimeFailure(false, null, "invalid_request", e.getMessage(), null));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Idempotency-Key", request.runId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (traceparent != null) {
            builder.header("traceparent", traceparent);
        }
        return Uni.createFrom().completionStage(() -> http.sendAsync(builder.build(),
                        HttpResponse.BodyHandlers.ofString()))
                .onFailure().transform(FallbackClient::classify)
                .map(FallbackClient::answer);
    }

    static RuntimeAnswer answer(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            boolean retryable = RuntimeClient.retryable(status);
            throw new RuntimeFailure(retryable, status, "fallback_http_" + status, "the fallback answered " + status,
                    RuntimeClient.retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        String text = response.body();
        if (text == null || text.isBlank()) {
            return new RuntimeAnswer(null, "succeeded", null, null, null, null);
        }
        try {
            JsonNode json = EventJson.MAPPER.readTree(text);
            if (json.isObject() && json.has("status") && json.has("result")) {
                RuntimeAnswer run = EventJson.MAPPER.treeToValue(json, RuntimeAnswer.class);
                if (run.failed()) {
                    throw new RuntimeFailure(false, status, "fallback_failed",
                            run.error() == null ? "the fallback reported failure" : run.error(), null);
                }
                return run;
            }
            return new RuntimeAnswer(null, "succeeded", json, null, null, null);
        } catch (IOException e) {
            return new RuntimeAnswer(null, "succeeded", EventJson.MAPPER.getNodeFactory().textNode(text), null, null,
                    null);
        }
    }

    private static Throwable classify(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        if (cause instanceof RuntimeFailure) {
            return cause;
        }
        if (cause instanceof HttpTimeoutException) {
            return new RuntimeFailure(true, null, "fallback_timeout", "the fallback did not answer in time", null);
        }
        return new RuntimeFailure(true, null, "fallback_connection_error",
                "the fallback could not be reached: " + cause.getClass().getSimpleName(), null);
    }
}
