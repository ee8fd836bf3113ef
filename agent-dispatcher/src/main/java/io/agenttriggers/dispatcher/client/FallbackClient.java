package io.agenttriggers.dispatcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundConfig;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.outbound.RefusedUrlException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Calls an event's fallback: a POST of the same request body the agent runtime gets, with the run id as
 * {@code Idempotency-Key}. A {@code 2xx} is success (a run-shaped answer is read as one; any other JSON becomes the
 * result); failures are classified like the runtime's: connection errors, timeouts, 5xx and 429 can be retried,
 * other 4xx cannot. The URL must pass the {@link OutboundUrlPolicy}, on its text and on the addresses its host
 * resolves to; a refused one fails for good ({@code fallback_url_refused}). Redirects are not followed (a 3xx is a
 * failure), so a fallback cannot send us on to a place the policy refuses; answers are read up to
 * {@code triggers.outbound.max-response-bytes}.
 */
@ApplicationScoped
public class FallbackClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Inject
    OutboundUrlPolicy urls;

    @Inject
    OutboundConfig outbound;

    public Uni<RuntimeAnswer> call(String url, RuntimeRequest request, String traceparent, Duration timeout) {
        URI uri;
        try {
            uri = urls.check(url);
        } catch (RefusedUrlException e) {
            return Uni.createFrom().failure(refused(e));
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
        // The host is resolved and every address checked right before the call, against DNS rebinding (a name that
        // looked public at registration and points inward now). The JDK caches a successful lookup
        // (networkaddress.cache.ttl, 30 s by default), so the HttpClient's own lookup an instant later gets the
        // addresses checked here; only an entry expiring in that instant is looked up afresh. The lookup blocks, so
        // it runs on a worker thread, never on the event loop.
        return Uni.createFrom().item(() -> resolved(uri))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(checked -> Uni.createFrom().completionStage(() -> http.sendAsync(builder.build(),
                        BoundedBody.handler(outbound.maxResponseBytes()))))
                .onFailure().transform(FallbackClient::classify)
                .map(FallbackClient::answer);
    }

    private URI resolved(URI uri) {
        try {
            urls.checkResolved(uri);
            return uri;
        } catch (RefusedUrlException e) {
            throw refused(e);
        } catch (UnknownHostException e) {
            throw new RuntimeFailure(true, null, "fallback_connection_error",
                    "the fallback could not be reached: its host " + uri.getHost() + " does not resolve", null);
        }
    }

    private static RuntimeFailure refused(RefusedUrlException e) {
        return new RuntimeFailure(false, null, "fallback_url_refused", "the fallback URL is refused: it "
                + e.getMessage(), null);
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
        // A failure of the body (BoundedBody) may arrive wrapped, in a CompletionException or an IOException.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RuntimeFailure) {
                return t;
            }
        }
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        if (cause instanceof HttpTimeoutException) {
            return new RuntimeFailure(true, null, "fallback_timeout", "the fallback did not answer in time", null);
        }
        return new RuntimeFailure(true, null, "fallback_connection_error",
                "the fallback could not be reached: " + cause.getClass().getSimpleName(), null);
    }
}
