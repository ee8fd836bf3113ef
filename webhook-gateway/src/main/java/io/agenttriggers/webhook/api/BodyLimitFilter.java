package io.agenttriggers.webhook.api;

import io.agenttriggers.common.problem.ProblemMappers;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Refuses a webhook whose Content-Length is over the limit before a byte of its body is read. */
public class BodyLimitFilter {

    @Inject
    WebhookGatewayConfig config;

    @RouteFilter(100)
    void limit(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        if (length != null && rc.normalizedPath().startsWith("/webhooks/")) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > config.maxBodyBytes()) {
                Response problem = ProblemMappers.respond(413, "payload_too_large", "Payload too large",
                        "The body has " + declared + " bytes; the limit is " + config.maxBodyBytes(), null, List.of(),
                        Map.of());
                rc.response().setStatusCode(413)
                        .putHeader("Content-Type", "application/problem+json")
                        .putHeader("Connection", "close")
                        .end((String) problem.getEntity());
                return;
            }
        }
        rc.next();
    }
}
