package io.agenttriggers.dispatcher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

    /** Records what the body asked for and whether it cancelled. */
    static final class Upstream implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    static HttpResponse.ResponseInfo info(int status, Map<String, List<String>> headers) {
        return new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(headers, (k, v) -> true);
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    static List<ByteBuffer> chunk(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsABodyUpToTheBoundChunkByChunk() throws Exception {
        HttpResponse.BodySubscriber<String> body = BoundedBody.handler(10).apply(info(200, Map.of()));
        Upstream upstream = new Upstream();
        body.onSubscribe(upstream);
        assertThat(upstream.requested).isEqualTo(1);
        body.onNext(chunk("hello "));
        body.onNext(chunk("wör")); // 4 bytes in UTF-8: 10 in all, at the bound
        assertThat(upstream.requested).isEqualTo(3);
        body.onComplete();
        assertThat(body.getBody().toCompletableFuture().get()).isEqualTo("hello wör");
        assertThat(upstream.cancelled).isFalse();
    }

    @Test
    void stopsReadingOnceTheBoundIsPassed() {
        HttpResponse.BodySubscriber<String> body = BoundedBody.handler(10).apply(info(200, Map.of()));
        Upstream upstream = new Upstream();
        body.onSubscribe(upstream);
        body.onNext(chunk("0123456"));
        body.onNext(chunk("7890"));
        assertThat(upstream.cancelled).isTrue();
        long requested = upstream.requested;
        body.onNext(chunk("more that arrived anyway"));
        assertThat(upstream.requested).isEqualTo(requested); // nothing more asked for
        assertThatThrownBy(() -> body.getBody().toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RuntimeFailure.class)
                .hasMessageContaining("larger than 10 bytes")
                .satisfies(e -> {
                    RuntimeFailure f = (RuntimeFailure) e;
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.errorClass()).isEqualTo("fallback_response_too_large");
                    assertThat(f.statusCode()).isEqualTo(200);
                });
    }

    @Test
    void aDeclaredLengthOverTheBoundFailsBeforeReadingAnything() {
        HttpResponse.BodySubscriber<String> body = BoundedBody.handler(10)
                .apply(info(200, Map.of("Content-Length", List.of("11"))));
        Upstream upstream = new Upstream();
        body.onSubscribe(upstream);
        assertThat(upstream.requested).isZero();
        assertThat(upstream.cancelled).isTrue();
        assertThat(body.getBody().toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void honoursTheCharsetAndDiscardsTheBodiesOfFailures() throws Exception {
        HttpResponse.BodySubscriber<String> latin = BoundedBody.handler(100)
                .apply(info(200, Map.of("Content-Type", List.of("text/plain; charset=ISO-8859-1"))));
        latin.onSubscribe(new Upstream());
        latin.onNext(List.of(ByteBuffer.wrap(new byte[] { 'c', 'a', 'f', (byte) 0xe9 })));
        latin.onComplete();
        assertThat(latin.getBody().toCompletableFuture().get()).isEqualTo("café");

        HttpResponse.BodySubscriber<String> failed = BoundedBody.handler(1).apply(info(503, Map.of()));
        failed.onSubscribe(new Upstream());
        failed.onNext(chunk("a long error page, over the bound"));
        failed.onComplete();
        assertThat(failed.getBody().toCompletableFuture().get()).isNull();
    }
}
