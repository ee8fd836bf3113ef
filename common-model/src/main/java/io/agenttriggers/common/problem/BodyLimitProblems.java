package io.agenttriggers.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.agenttriggers.common.event.EventJson;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A body over the server-wide limit ({@code quarkus.http.limits.max-body-size}) is answered 413 by Quarkus before any
 * resource sees it — with an empty body when its Content-Length says so (Quarkus's upload-limit route, order -2), or
 * by failing the request when a chunked body grows past it. Both become a problem like every other 4xx, on every
 * route of every service that does not bound its own body first (the webhook route, ahead of these, does), and the
 * connection is closed, so the rest of the body is not read.
 */
@ApplicationScoped
public class BodyLimitProblems {

    /** Just ahead of Quarkus's upload-limit route. */
    static final int ORDER = -3;

    void routes(@Observes Router router) {
        long limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10_240L * 1024);
        router.route().order(ORDER).handler(rc -> {
            String length = rc.request().getHeader("Content-Length");
            if (length != null && declared(length) > limit) {
                answer(rc);
            } else {
                rc.next();
            }
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(BodyLimitProblems::handle);
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static void handle(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        if (rc.statusCode() != 413 || response.headWritten() || response.ended() || response.closed()) {
            rc.next();
            return;
        }
        answer(rc);
    }

    private static void answer(RoutingContext rc) {
        rc.response().putHeader("Connection", "close");
        end(rc, 413, "payload_too_large", "Payload too large", "The body is larger than this server accepts");
    }

    /** Ends the request with a problem answer, for the guards that run as routes ahead of every resource. */
    static void end(RoutingContext rc, int status, String code, String title, String detail) {
        Problem problem = new Problem(Problem.TYPE_BASE + code, title, status, detail, rc.request().path(), code, null);
        String body;
        try {
            body = EventJson.MAPPER.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            body = "{\"status\":" + status + ",\"code\":\"" + code + "\"}";
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(body);
    }
}
