package io.agenttriggers.console.proxy;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** problem+json answers of the proxy itself (a service's own problems pass through untouched). */
final class Problems {

    private Problems() {
    }

    static void send(RoutingContext rc, int status, String code, String title, String detail) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject().put("type", "https://agenttriggers.io/problems/" + code).put("title", title)
                        .put("status", status).put("detail", detail).put("instance", rc.request().path())
                        .put("code", code).encode());
    }
}
