package io.agenttriggers.dispatcher.client;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as text up to a bound. Past the bound the call fails ({@code fallback_response_too_large},
 * not retryable) and the rest is not read: the body is pulled one chunk at a time and the stream cancelled, so a
 * fallback cannot make the dispatcher buffer more than the bound. Bodies of non-2xx answers are discarded unread
 * (they are classified by status alone).
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {

    private final int maxBytes;
    private final int status;
    private final long declaredLength;
    private final Charset charset;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long received;

    private BoundedBody(int maxBytes, int status, long declaredLength, Charset charset) {
        this.maxBytes = maxBytes;
        this.status = status;
        this.declaredLength = declaredLength;
        this.charset = charset;
    }

    static HttpResponse.BodyHandler<String> handler(int maxBytes) {
        return info -> {
            if (info.statusCode() < 200 || info.statusCode() >= 300) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            return new BoundedBody(maxBytes, info.statusCode(),
                    info.headers().firstValueAsLong("Content-Length").orElse(-1), charset(info.headers()));
        };
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredLength > maxBytes) {
            tooLarge();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> chunk) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : chunk) {
            received += buffer.remaining();
            if (received > maxBytes) {
                tooLarge();
                return;
            }
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            bytes.writeBytes(copy);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toString(charset));
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    private void tooLarge() {
        subscription.cancel();
        body.completeExceptionally(new RuntimeFailure(false, status, "fallback_response_too_large",
                "the fallback's answer is larger than " + maxBytes + " bytes (triggers.outbound.max-response-bytes)",
                null));
    }

    /** The charset of {@code Content-Type}, UTF-8 when it names none or one the JVM lacks. */
    private static Charset charset(HttpHeaders headers) {
        String type = headers.firstValue("Content-Type").orElse("");
        for (String param : type.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                try {
                    return Charset.forName(p.substring(8).replace("\"", "").trim());
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
