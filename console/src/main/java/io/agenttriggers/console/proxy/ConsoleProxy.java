package io.agenttriggers.console.proxy;

import io.agenttriggers.console.config.ConsoleConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Passes the browser's calls to the services: {@code /console/api/<service>/<path>} goes to that service's
 * {@code /<path>}, streamed both ways (a live decision stream included), with the caller's bearer token, which the
 * service checks as it checks any caller. Only the public management APIs are reachable ({@link ProxiedPath}); the
 * console holds no credentials of its own.
 */
@ApplicationScoped
public class ConsoleProxy {

    public static final String PREFIX = "/console/api/";

    @Inject
    ConsoleConfig config;

    @Inject
    Vertx vertx;

    private final Map<String, HttpProxy> proxies = new HashMap<>();

    void routes(@Observes Router router) {
        config.services().forEach((name, url) -> proxies.put(name, proxy(URI.create(url))));
        router.route(PREFIX + "*").order(-10).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String rest = request.path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        HttpProxy proxy = slash < 0 ? null : proxies.get(rest.substring(0, slash));
        if (proxy == null) {
            Problems.send(rc, 404, "unknown_service", "Not found", "The console passes calls to "
                    + String.join(", ", proxies.keySet().stream().sorted().toList()) + " only");
            return;
        }
        String refusal = ProxiedPath.refusal(rest.substring(slash), request.method().name());
        if (refusal != null) {
            Problems.send(rc, 404, "not_proxied", "Not found", refusal);
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && tooLarge(length)) {
            Problems.send(rc, 413, "payload_too_large", "Payload too large", "The console passes bodies of at most "
                    + config.maxBodyBytes() + " bytes");
            return;
        }
        if (length == null && request.getHeader("Transfer-Encoding") != null) {
            Problems.send(rc, 411, "length_required", "Length required", "Send the body with a Content-Length");
            return;
        }
        proxy.handle(request);
    }

    /** A Content-Length past the bound (a malformed one is the service's to refuse; Vert.x refuses most itself). */
    private boolean tooLarge(String length) {
        String digits = length.trim();
        return digits.chars().allMatch(Character::isDigit) && !digits.isEmpty()
                && (digits.length() > 12 || Long.parseLong(digits) > config.maxBodyBytes());
    }

    private HttpProxy proxy(URI origin) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout((int) config.connectTimeout().toMillis())
                        .setIdleTimeout((int) config.idleTimeout().toSeconds())
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerService()).setMaxWaitQueueSize(
                        config.maxWaiting()));
        int port = origin.getPort() > 0 ? origin.getPort() : "https".equals(origin.getScheme()) ? 443 : 80;
        String base = origin.getPath() == null ? "" : origin.getPath().replaceAll("/+$", "");
        return HttpProxy.reverseProxy(client).origin(port, origin.getHost()).addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                String uri = context.request().getURI();
                String rest = uri.substring(PREFIX.length());
                context.request().setURI(base + rest.substring(rest.indexOf('/')));
                // The console's own cookies and the caller's claims about forwarding are not the services' business.
                context.request().headers().remove("Cookie").remove("Forwarded").remove("X-Forwarded-For")
                        .remove("X-Forwarded-Host").remove("X-Forwarded-Proto");
                return context.sendRequest();
            }

            @Override
            public Future<Void> handleProxyResponse(ProxyContext context) {
                // Answers pass as the service gave them, never cached by the browser (they carry tenants' data).
                context.response().headers().remove("Set-Cookie").set("Cache-Control", "no-store");
                return context.sendResponse();
            }
        });
    }
}
