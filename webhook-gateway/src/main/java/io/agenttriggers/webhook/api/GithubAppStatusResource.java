package io.agenttriggers.webhook.api;

import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.github.GithubApp;
import io.agenttriggers.webhook.github.RepositoryContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /api/v1/public/webhooks/status}: whether the GitHub App's URL takes deliveries and how the last ones
 * went. Public, as the URL itself is, so it says nothing of tenants, installations or secrets.
 */
@Path("/api/v1/public/webhooks/status")
@PermitAll
public class GithubAppStatusResource {

    @Inject
    GithubApp app;

    @Inject
    GithubAppRoute route;

    @Inject
    RepositoryContext contexts;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    MeterRegistry registry;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Whether the GitHub App URL takes deliveries, and how the last ones went")
    public Map<String, Object> status() {
        Map<String, Object> github = new LinkedHashMap<>();
        github.put("configured", app.configured());
        github.put("url", config.publicUrl().map(u -> u.replaceAll("/+$", "")).orElse("") + GithubAppRoute.PATH);
        if (app.configured()) {
            github.put("appId", app.id());
            github.put("apiUrl", app.apiUrl());
            github.put("repositoryContext", app.fetchesContext());
            github.put("installationsAssigned", app.assignedInstallations());
            github.put("deliveries", counts("github_app_deliveries_total"));
            github.put("contexts", counts("github_app_context_total"));
            if (route.lastDelivery() != null) {
                github.put("lastDelivery", route.lastDelivery());
            }
            if (contexts.lastIncomplete() != null) {
                github.put("lastIncompleteContext", contexts.lastIncomplete());
            }
        }
        return Map.of("githubApp", github);
    }

    private Map<String, Long> counts(String name) {
        Map<String, Long> out = new TreeMap<>();
        for (Counter c : registry.find(name).counters()) {
            out.merge(c.getId().getTag("outcome"), (long) c.count(), Long::sum);
        }
        return out;
    }
}
