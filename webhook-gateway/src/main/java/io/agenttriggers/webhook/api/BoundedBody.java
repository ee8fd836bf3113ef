package io.agenttriggers.webhook.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Reads a request body without ever holding more than a limit: a Content-Length over it is refused before a byte is
 * read; a body without one (chunked) is refused as soon as it passes the limit, the rest being drained unread for a
 * while so the refusal reaches the sender, then the connection is closed.
 */
final class BoundedBody {

    /** How long the rest of a refused body is drained (and discarded) before the connection is closed. */
    private static final long LINGER_MILLIS = 5_000;

    private BoundedBody() {
    }

    /**
     * @param received gets the whole body (empty when there is none)
     * @param tooLarge gets why the body was refused; it answers the request (the connection closes after it)
     */
    static void read(RoutingContext rc, long max, Consumer<byte[]> received, Consumer<String> tooLarge) {
        HttpServerRequest request = rc.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > max) {
                tooLarge.accept("The body has " + declared + " bytes; the limit is " + max);
                return;
            }
        }
        if (request.isEnded()) {
            received.accept(new byte[0]);
            return;
        }
        // The first chunk is kept as it came (Vert.x hands over an unpooled buffer that stays valid); only a second one
        // starts a buffer of our own.
        Buffer[] body = { null };
        boolean[] accumulating = { false };
        boolean[] refused = { false };
        int expected = (int) Math.max(declared, 0);
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            long sofar = body[0] == null ? 0 : body[0].length();
            if (sofar + chunk.length() > max) {
                refused[0] = true;
                tooLarge.accept("The body is larger than the limit of " + max + " bytes");
                // Drain instead of closing at once: a reset could destroy the 413 before the client reads it.
                long timer = rc.vertx().setTimer(LINGER_MILLIS, t -> request.connection().close());
                request.endHandler(v -> {
                    rc.vertx().cancelTimer(timer);
                    request.connection().close();
                });
                return;
            }
            if (body[0] == null) {
                body[0] = chunk;
                return;
            }
            if (!accumulating[0]) {
                accumulating[0] = true;
                body[0] = Buffer.buffer(Math.max(expected, body[0].length() + chunk.length())).appendBuffer(body[0]);
            }
            body[0].appendBuffer(chunk);
        });
        request.endHandler(v -> received.accept(body[0] == null ? new byte[0] : body[0].getBytes()));
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            rc.response().writeContinue();
        }
        request.resume();
    }
}
