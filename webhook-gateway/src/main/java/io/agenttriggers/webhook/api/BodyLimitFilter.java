package io.agenttriggers.webhook.api;

import io.agenttriggers.common.problem.ProblemMappers;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.persistence.EndpointCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * Reads webhook bodies, never holding more than {@code triggers.webhook-gateway.max-body-bytes}: a Content-Length over
 * the limit is refused before a byte is read; a body without one (chunked) is refused with the same problem+json 413 as
 * soon as it passes the limit, the rest being discarded unread. A body within the limit is handed to
 * {@link WebhookResource} as the routing context's body.
 */
public class BodyLimitFilter {

    static final String PREFIX = "/webhooks/";
    /** How long the rest of a refused body is drained (and discarded) before the connection is closed. */
    private static final long LINGER_MILLIS = 5_000;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    EndpointCache endpoints;

    @Inject
    MeterRegistry registry;

    @RouteFilter(100)
    void limit(RoutingContext rc) {
        if (!rc.normalizedPath().startsWith(PREFIX)) {
            rc.next();
            return;
        }
        HttpServerRequest request = rc.request();
        String length = request.getHeader("Content-Length");
        long max = config.maxBodyBytes();
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > max) {
                refuse(rc, "The body has " + declared + " bytes; the limit is " + max);
                return;
            }
        }
        if (request.isEnded()) {
            rc.next();
            return;
        }
        readBounded(rc, max);
    }

    /** Reads the body into memory only while it stays within the limit. */
    private void readBounded(RoutingContext rc, long max) {
        HttpServerRequest request = rc.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = { false };
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if ((long) body.length() + chunk.length() > max) {
                refused[0] = true;
                refuse(rc, "The body is larger than the limit of " + max + " bytes");
                // Drain instead of closing at once: a reset could destroy the 413 before the client reads it.
                long timer = rc.vertx().setTimer(LINGER_MILLIS, t -> request.connection().close());
                request.endHandler(v -> {
                    rc.vertx().cancelTimer(timer);
                    request.connection().close();
                });
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            rc.setBody(body);
            rc.next();
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            rc.response().writeContinue();
        }
        request.resume();
    }

    private void refuse(RoutingContext rc, String detail) {
        Response problem = ProblemMappers.respond(413, "payload_too_large", "Payload too large", detail, null,
                List.of(), Map.of());
        rc.response().setStatusCode(413)
                .putHeader("Content-Type", "application/problem+json")
                .putHeader("Connection", "close")
                .end((String) problem.getEntity());
        count(endpointId(rc.normalizedPath()));
    }

    /** Counts the refusal under the endpoint's id when it is a known endpoint, so ids in URLs cannot grow the tags. */
    private void count(String id) {
        endpoints.get(id).subscribe().with(
                found -> WebhookResource.countRequest(registry,
                        found.filter(e -> e.spec().isEnabled()).map(Endpoint::id).orElse(null), 413),
                failure -> WebhookResource.countRequest(registry, null, 413));
    }

    static String endpointId(String path) {
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
