package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.overload.AdmissionLimit;
import io.agenttriggers.common.overload.BacklogGate;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.webhook.api.WebhookIngress.Answer;
import io.agenttriggers.webhook.config.GithubAppConfig;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.AuthSpec;
import io.agenttriggers.webhook.domain.AuthType;
import io.agenttriggers.webhook.domain.BodyParser;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.GithubContextSpec;
import io.agenttriggers.webhook.domain.GithubFilter;
import io.agenttriggers.webhook.domain.LoggedRequest;
import io.agenttriggers.webhook.domain.Prepared;
import io.agenttriggers.webhook.domain.SignatureVerifier;
import io.agenttriggers.webhook.domain.Verification;
import io.agenttriggers.webhook.github.GithubApp;
import io.agenttriggers.webhook.github.RepositoryContext;
import io.agenttriggers.webhook.persistence.EndpointStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The GitHub App's one webhook URL, {@code POST /api/v1/public/webhooks/github}: verified once with the App's
 * webhook secret, then fanned out to every enabled {@code github-app} endpoint of the tenant the installation
 * belongs to (a deployed workflow's GitHub trigger is such an endpoint). Each endpoint's GitHub filter decides
 * first on what the webhook says (event, action, repository, branch); only if one still wants the delivery is the
 * repository context fetched, once, and the rest of each endpoint's filters, transform, dedup
 * ({@code X-GitHub-Delivery}) and publish run as for a delivery to its own URL, each logged in its event log.
 *
 * <p>Answers: 202 with what became of the delivery at each endpoint once every accepted event is durable; 200
 * {@code ignored} for a ping, an installation with no tenant, or a tenant with no App endpoint; 200 {@code filtered}
 * when no endpoint wanted it; 503 when an event could not be published (GitHub redelivers; the endpoints that got it
 * answer {@code duplicate} then).
 */
@ApplicationScoped
public class GithubAppRoute {

    static final String PATH = "/api/v1/public/webhooks/github";

    @Inject
    WebhookIngress ingress;

    @Inject
    GithubApp app;

    @Inject
    GithubAppConfig appConfig;

    @Inject
    RepositoryContext contexts;

    @Inject
    EndpointStore store;

    @Inject
    WebhookGatewayConfig config;

    @Inject
    BacklogGate backlog;

    @Inject
    AdmissionLimit admissions;

    @Inject
    MeterRegistry registry;

    /** The last delivery: when, which event, what became of it; for the status page. */
    private final AtomicReference<Map<String, String>> last = new AtomicReference<>();

    void routes(@Observes Router router) {
        router.route(PATH).order(WebhookIngress.ROUTE_ORDER).handler(this::handle);
    }

    public Map<String, String> lastDelivery() {
        return last.get();
    }

    void handle(RoutingContext rc) {
        if (rc.request().method() != HttpMethod.POST) {
            ingress.refuseUnread(rc, new ProblemException(405, "method_not_allowed", "Method Not Allowed",
                    "GitHub App deliveries are POSTed").withHeader("Allow", "POST"));
            return;
        }
        if (!app.configured()) {
            ingress.refuseUnread(rc, ProblemException.notFound("github_app_not_configured", "No GitHub App is "
                    + "configured on this gateway (triggers.github-app.id)"));
            return;
        }
        ProblemException overloaded = backlog.refusal();
        if (overloaded != null) {
            ingress.refuseUnread(rc, overloaded);
            return;
        }
        BoundedBody.read(rc, config.maxBodyBytes(), body -> receive(rc, body),
                detail -> ingress.refuseTooLarge(rc, null, detail));
    }

    private void receive(RoutingContext rc, byte[] body) {
        Optional<AdmissionLimit.Admission> admitted = admissions.admit();
        if (admitted.isEmpty()) {
            ProblemException refusal = admissions.refusal();
            ingress.countRequest(null, refusal.status());
            WebhookIngress.answer(rc, ingress.problem(rc, refusal));
            return;
        }
        AdmissionLimit.Admission admission = admitted.get();
        Context context = Vertx.currentContext();
        Uni<Answer> answer;
        try {
            answer = deliver(rc, body, admission);
        } catch (RuntimeException e) {
            answer = Uni.createFrom().failure(e);
        }
        String event = rc.request().getHeader("X-GitHub-Event");
        answer.emitOn(task -> context.runOnContext(ignored -> task.run())).subscribe().with(
                ok -> finish(rc, event, ok, admission),
                failure -> finish(rc, event, ingress.problem(rc, failure), admission));
    }

    private void finish(RoutingContext rc, String event, Answer answer, AdmissionLimit.Admission admission) {
        String outcome = outcome(answer);
        registry.counter("github_app_deliveries_total", "outcome", outcome).increment();
        last.set(Map.of("at", Instant.now().toString(), "event", event == null ? "(none)" : event,
                "outcome", outcome, "status", Integer.toString(answer.status())));
        ingress.countRequest(null, answer.status());
        WebhookIngress.answer(rc, answer);
        admission.ended(answer.status());
    }

    private static String outcome(Answer answer) {
        if (answer.status() == 202) {
            return "accepted";
        }
        if (answer.status() == 200) {
            return answer.body() != null && answer.body().startsWith("{\"status\":\"filtered\"") ? "filtered"
                    : "ignored";
        }
        return answer.status() == 401 || answer.status() == 403 ? "rejected" : "failed";
    }

    private Uni<Answer> deliver(RoutingContext rc, byte[] body, AdmissionLimit.Admission admission) {
        MultiMap headers = rc.request().headers();
        UnaryOperator<String> header = headers::get;
        Verification v = SignatureVerifier.verify(AuthSpec.of(AuthType.GITHUB), List.of(app.webhookSecret()), header,
                body, Instant.now());
        if (!v.ok()) {
            registry.counter("webhook_verification_failures_total", "reason", v.code()).increment();
            throw new ProblemException(v.status(), v.code(), v.status() == 401 ? "Unauthorized" : "Forbidden",
                    v.detail() + " (verified with the GitHub App's webhook secret)");
        }
        String event = header.apply("X-GitHub-Event");
        if (event == null || event.isBlank()) {
            throw ProblemException.badRequest("github_event_missing", "A GitHub delivery names its event in "
                    + "X-GitHub-Event");
        }
        if ("ping".equals(event)) {
            return ignored("ping");
        }
        BodyParser parser = new BodyParser(config.maxDepth(), config.maxFields());
        JsonNode parsed = parser.parse(headers.get(HttpHeaders.CONTENT_TYPE), body);
        if (!parsed.isObject()) {
            throw ProblemException.badRequest("invalid_body", "A GitHub delivery is a JSON object");
        }
        JsonNode installation = parsed.path("installation").path("id");
        if (!installation.canConvertToLong()) {
            return ignored("the delivery names no installation");
        }
        long installationId = installation.asLong();
        Optional<String> tenant = app.tenantOf(installationId);
        if (tenant.isEmpty()) {
            return ignored("installation " + installationId + " is not assigned to a tenant "
                    + "(triggers.github-app.installations)");
        }
        int max = appConfig.maxEndpoints();
        return store.githubAppEndpoints(tenant.get(), max + 1).chain(found -> {
            if (found.isEmpty()) {
                return ignored("tenant " + tenant.get() + " has no github-app endpoint");
            }
            List<Endpoint> endpoints = found.size() > max ? found.subList(0, max) : found;
            return fanOut(rc, body, (ObjectNode) parsed, header, installationId, event, endpoints,
                    found.size() > max, admission);
        });
    }

    /** One endpoint's part of a delivery: its log entry, and why it was dropped before the context, if it was. */
    private static final class Part {
        final Endpoint endpoint;
        final LoggedRequest log = new LoggedRequest();
        final long started = System.nanoTime();
        String filteredBecause;
        Prepared prepared;
        Answer answer;
        Throwable failure;

        Part(Endpoint endpoint) {
            this.endpoint = endpoint;
        }
    }

    private Uni<Answer> fanOut(RoutingContext rc, byte[] body, ObjectNode parsed, UnaryOperator<String> header,
            long installationId, String event, List<Endpoint> endpoints, boolean capped,
            AdmissionLimit.Admission admission) {
        parsed.remove(GithubFilter.CONTEXT); // only the App writes the context
        List<Part> parts = new ArrayList<>();
        Set<String> files = new LinkedHashSet<>();
        int maxFiles = 0;
        int maxFileBytes = 0;
        boolean wantsContext = false;
        for (Endpoint endpoint : endpoints) {
            Part part = new Part(endpoint);
            parts.add(part);
            ingress.start(part.log, endpoint, rc.request(), body);
            GithubFilter github = endpoint.spec().github();
            part.filteredBecause = github == null ? null : github.mismatchBeforeContext(parsed, header);
            GithubContextSpec spec = github == null ? GithubContextSpec.DEFAULTS : github.contextOrDefaults();
            if (part.filteredBecause == null && spec.isEnabled()) {
                wantsContext = true;
                for (String f : spec.filesOrNone()) {
                    if (files.size() < 20) {
                        files.add(f);
                    }
                }
                maxFiles = Math.max(maxFiles, spec.maxFilesOrDefault());
                maxFileBytes = Math.max(maxFileBytes, spec.maxFileBytesOrDefault());
            }
        }
        Uni<ObjectNode> context = wantsContext
                ? contexts.fetch(installationId, event, parsed, new RepositoryContext.Wanted(files, maxFiles, maxFileBytes))
                : Uni.createFrom().nullItem();
        Context vertx = Vertx.currentContext();
        // Filters and transforms of up to max-endpoints endpoints: CPU work, off the event loop.
        return context.emitOn(Infrastructure.getDefaultWorkerPool())
                .map(fetched -> {
                    Map<String, String> lowerCase = WebhookIngress.lowerCase(rc.request().headers());
                    for (Part part : parts) {
                        if (part.filteredBecause == null) {
                            prepare(part, parsed, fetched, header, lowerCase);
                        }
                    }
                    return parts;
                })
                .emitOn(task -> vertx.runOnContext(ignored -> task.run()))
                .chain(ready -> Uni.join().all(ready.stream().map(part -> publish(part, header, admission)).toList())
                        .andFailFast())
                .map(done -> answer(parts, header.apply("X-GitHub-Delivery"), capped));
    }

    private void prepare(Part part, ObjectNode parsed, ObjectNode fetched, UnaryOperator<String> header,
            Map<String, String> lowerCase) {
        GithubFilter github = part.endpoint.spec().github();
        GithubContextSpec spec = github == null ? GithubContextSpec.DEFAULTS : github.contextOrDefaults();
        ObjectNode payload = parsed;
        boolean unjudged = false;
        if (fetched != null && spec.isEnabled()) {
            payload = parsed.objectNode();
            payload.setAll(parsed);
            ObjectNode context = RepositoryContext.forEndpoint(fetched, spec);
            // Paths and authors need the context; without all of it they pass, and the event says they were not judged.
            if (!context.path("complete").asBoolean() && github != null
                    && (github.paths() != null || github.authors() != null)) {
                unjudged = true;
                context.put("filters_unjudged", github.paths() != null && github.authors() != null ? "paths, authors"
                        : github.paths() != null ? "paths" : "authors");
            }
            payload.set(GithubFilter.CONTEXT, context);
        }
        try {
            part.prepared = Prepared.ofParsed(part.endpoint, payload, header, lowerCase, unjudged);
        } catch (ProblemException e) {
            ingress.countRefusal(part.endpoint, e);
            part.failure = e;
        } catch (RuntimeException e) {
            part.failure = e;
        }
    }

    /** Publishes one endpoint's part (or records why it was not); never fails, so one endpoint cannot sink another. */
    private Uni<Void> publish(Part part, UnaryOperator<String> header, AdmissionLimit.Admission admission) {
        if (part.filteredBecause != null) {
            part.log.outcome = "filtered";
            part.log.error = part.filteredBecause;
            registry.counter("webhook_filtered_total", "endpoint", part.endpoint.id()).increment();
            done(part, new Answer(200, null, null, Map.of()), null);
            return Uni.createFrom().voidItem();
        }
        if (part.failure != null) {
            done(part, null, part.failure);
            return Uni.createFrom().voidItem();
        }
        Uni<Answer> routed;
        try {
            routed = ingress.route(part.endpoint, part.prepared, header, part.log, admission);
        } catch (RuntimeException e) {
            routed = Uni.createFrom().failure(e);
        }
        return routed.onItemOrFailure().invoke((answer, failure) -> done(part, answer, failure)).replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private void done(Part part, Answer answer, Throwable failure) {
        part.answer = answer;
        part.failure = failure;
        int status = failure != null ? statusOf(failure) : answer.status();
        ingress.countRequest(part.endpoint.id(), status);
        ingress.logged(part.log, status, failure, System.nanoTime() - part.started);
    }

    private static int statusOf(Throwable failure) {
        return failure instanceof ProblemException p ? p.status() : 500;
    }

    private Answer answer(List<Part> parts, String deliveryId, boolean capped) {
        List<Map<String, Object>> out = new ArrayList<>();
        boolean accepted = false;
        boolean failed = false;
        for (Part part : parts) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("endpointId", part.endpoint.id());
            entry.put("name", part.endpoint.spec().name());
            if (part.failure != null) {
                entry.put("status", statusOf(part.failure) == 503 ? "failed" : "rejected");
                entry.put("reason", part.failure instanceof ProblemException p ? p.code() + ": " + p.getMessage()
                        : "internal error");
                failed |= statusOf(part.failure) >= 500;
            } else if (part.answer.status() == 202) {
                accepted = true;
                entry.put("status", part.log.outcome == null ? "accepted" : part.log.outcome);
                entry.put("runId", part.log.runId);
            } else {
                entry.put("status", "filtered");
                entry.put("reason", part.filteredBecause != null ? part.filteredBecause
                        : part.prepared != null && part.prepared.filteredBecause() != null
                        ? part.prepared.filteredBecause() : "answered " + part.answer.status());
            }
            out.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failed ? "failed" : accepted ? "accepted" : "filtered");
        if (deliveryId != null) {
            body.put("delivery", deliveryId);
        }
        body.put("deliveries", out);
        if (capped) {
            body.put("skipped", "the tenant has more than " + appConfig.maxEndpoints() + " github-app endpoints; "
                    + "the oldest took the delivery (triggers.github-app.max-endpoints)");
        }
        if (failed) {
            throw ProblemException.unavailable("publish_failed", "The delivery could not be made durable for every "
                    + "endpoint; GitHub's redelivery is answered as duplicate where it was", 1);
        }
        return new Answer(accepted ? 202 : 200, "application/json", ingress.write(body), Map.of());
    }

    private Uni<Answer> ignored(String reason) {
        return Uni.createFrom().item(new Answer(200, "application/json",
                ingress.write(Map.of("status", "ignored", "reason", reason)), Map.of()));
    }
}
