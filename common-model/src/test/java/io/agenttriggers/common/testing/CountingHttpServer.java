package io.agenttriggers.common.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HTTP server on 127.0.0.1 that answers every request with a small JSON Schema and counts them: a test points
 * a tenant's {@code $ref} or {@code $schema} at it and asserts the count stays zero (nothing was fetched).
 */
public final class CountingHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private CountingHttpServer(HttpServer server) {
        this.server = server;
    }

    public static CountingHttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            CountingHttpServer counting = new CountingHttpServer(server);
            server.createContext("/", exchange -> {
                counting.requests.incrementAndGet();
                byte[] body = "{\"type\":\"string\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/schema+json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return counting;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An absolute URL on this server, e.g. {@code url("/x.json")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
