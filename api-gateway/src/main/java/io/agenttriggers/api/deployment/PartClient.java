package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.security.AuthConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Calls the services' deployment parts and sorts their answers: applied, refused (the document is wrong: the
 * service's field errors mapped back to paths in the document) or unreachable (the service is down or failing: the
 * part stays pending and is tried again). Service URLs are the standard {@code quarkus.rest-client.<part>.url};
 * the api-gateway's own manual triggers are a part in process ({@link ManualPart}).
 */
@ApplicationScoped
public class PartClient {

    /** How long one service may take over its part. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** How long a status read waits for a service's view of its part (the status answers without it after). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final Map<String, String> DEFAULT_URLS = new java.util.TreeMap<>(Map.of(
            "cron", "http://127.0.0.1:8082", "webhook", "http://127.0.0.1:8081",
            "governance", "http://127.0.0.1:8084", "queue", "http://127.0.0.1:8083"));
    private static final Pattern TRIGGER_FIELD = Pattern.compile("triggers\\[(\\d{1,4})](.*)");

    /** What a service answered for its part. */
    public sealed interface Answer {
    }

    /** The part is as sent (or, on a dry run, would be). */
    public record Applied(PartResult result) implements Answer {
    }

    /** The service refused the part; nothing of it changed there. */
    public record Refused(String code, String detail, List<FieldError> errors) implements Answer {
    }

    /** No answer that says anything about the part: try again later. */
    public record Unreachable(String reason) implements Answer {
    }

    /** One service's part, reached over HTTP or, for the api-gateway's own triggers, in process. */
    public interface Part {
        /** Sends the part ({@code triggers} in the order of {@code sent}, whose indexes map errors back). */
        Uni<Answer> put(String tenantId, String workflowId, int version, List<WorkflowDocument.PartTrigger> sent,
                boolean dryRun);

        Uni<Answer> get(String tenantId, String workflowId);

        Uni<Answer> delete(String tenantId, String workflowId);

        /** Whether the part's service is ready: null when it is, else why not. In process: always ready. */
        default Uni<String> unready() {
            return Uni.createFrom().nullItem();
        }
    }

    /** A service's readiness, for {@code GET /api/v1/triggers/health}. */
    @jakarta.ws.rs.Path("/q/health/ready")
    public interface ReadinessApi {
        @jakarta.ws.rs.GET
        Uni<Response> ready();
    }

    @Inject
    AuthConfig auth;

    @Inject
    ManualPart manual;

    @Inject
    ApiPart api;

    private final Map<String, Part> clients = new LinkedHashMap<>();

    @PostConstruct
    void init() {
        DEFAULT_URLS.forEach((part, fallback) -> {
            String url = ConfigProvider.getConfig().getOptionalValue("quarkus.rest-client." + part + ".url",
                    String.class).orElse(fallback);
            clients.put(part, remote(part, QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(url))
                    .connectTimeout(5, TimeUnit.SECONDS).readTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .build(DeploymentPartApi.class), QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(url))
                    .connectTimeout(2, TimeUnit.SECONDS).readTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .build(ReadinessApi.class)));
        });
        clients.put("manual", manual);
        clients.put("api", api);
    }

    private Part remote(String part, DeploymentPartApi api, ReadinessApi readiness) {
        return new Part() {
            @Override
            public Uni<String> unready() {
                return readiness.ready().ifNoItem().after(READ_TIMEOUT).fail()
                        .map(response -> {
                            try (response) {
                                return response.getStatus() == 200 ? null : part + " answered "
                                        + response.getStatus() + " to its readiness check";
                            }
                        })
                        .onFailure().recoverWithItem(e -> part + " could not be reached: "
                                + e.getClass().getSimpleName());
            }

            @Override
            public Uni<Answer> put(String tenantId, String workflowId, int version,
                    List<WorkflowDocument.PartTrigger> sent, boolean dryRun) {
                ObjectNode body = EventJson.MAPPER.createObjectNode().put("version", version);
                ArrayNode triggers = body.putArray("triggers");
                sent.forEach(t -> triggers.add(t.spec()));
                return answer(part, api.put(tenantId, workflowId, dryRun, body.toString(), token()), sent, TIMEOUT);
            }

            @Override
            public Uni<Answer> get(String tenantId, String workflowId) {
                return answer(part, api.get(tenantId, workflowId, token()), List.of(), READ_TIMEOUT);
            }

            @Override
            public Uni<Answer> delete(String tenantId, String workflowId) {
                return answer(part, api.delete(tenantId, workflowId, token()), List.of(), TIMEOUT);
            }
        };
    }

    public Uni<Answer> put(String part, String tenantId, String workflowId, int version,
            List<WorkflowDocument.PartTrigger> sent, boolean dryRun) {
        return clients.get(part).put(tenantId, workflowId, version, sent, dryRun);
    }

    public Uni<Answer> get(String part, String tenantId, String workflowId) {
        return clients.get(part).get(tenantId, workflowId);
    }

    public Uni<Answer> delete(String part, String tenantId, String workflowId) {
        return clients.get(part).delete(tenantId, workflowId);
    }

    private Uni<Answer> answer(String part, Uni<Response> call, List<WorkflowDocument.PartTrigger> sent,
            Duration timeout) {
        return call.ifNoItem().after(timeout).fail()
                .map(response -> {
                    try (response) {
                        return classify(part, response.getStatus(), response.readEntity(String.class), sent);
                    }
                })
                .onFailure().recoverWithItem(e -> new Unreachable(part + " could not be reached: "
                        + e.getClass().getSimpleName()));
    }

    /** A problem a part raised, as the answer a service would have given with it. */
    static Answer of(String part, io.agenttriggers.common.problem.ProblemException e,
            List<WorkflowDocument.PartTrigger> sent) {
        ObjectNode problem = EventJson.MAPPER.createObjectNode().put("code", e.code()).put("detail", e.getMessage());
        ArrayNode errors = problem.putArray("errors");
        if (e.errors() != null) {
            e.errors().forEach(fe -> errors.addObject().put("field", fe.field()).put("message", fe.message()));
        }
        return classify(part, e.status(), problem.toString(), sent);
    }

    static Answer classify(String part, int status, String body, List<WorkflowDocument.PartTrigger> sent) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? EventJson.MAPPER.createObjectNode() : EventJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return new Unreachable(part + " answered " + status + " with a body that is not JSON");
        }
        if (status == 200) {
            try {
                return new Applied(EventJson.MAPPER.treeToValue(json, PartResult.class));
            } catch (java.io.IOException e) {
                return new Unreachable(part + " answered a part this api-gateway cannot read");
            }
        }
        if (status == 400 || status == 409 || status == 422) {
            List<FieldError> errors = new ArrayList<>();
            json.path("errors").forEach(e -> errors.add(new FieldError(documentPath(e.path("field").asText(), sent),
                    e.path("message").asText())));
            String detail = json.path("detail").asText(part + " refused its part");
            if (errors.isEmpty()) {
                errors.add(new FieldError("$.triggers", part + ": " + detail));
            }
            return new Refused(json.path("code").asText("refused"), detail, errors);
        }
        return new Unreachable(part + " answered " + status + (json.hasNonNull("code")
                ? " (" + json.get("code").asText() + ")" : ""));
    }

    /** {@code triggers[1].expression} of the part as {@code $.triggers[4].expression} of the document. */
    static String documentPath(String field, List<WorkflowDocument.PartTrigger> sent) {
        Matcher m = TRIGGER_FIELD.matcher(field);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            if (i < sent.size() && sent.get(i).index() == WorkflowDocument.PartTrigger.GOVERNANCE) {
                String rest = m.group(2).startsWith(".") ? m.group(2).substring(1) : m.group(2);
                return WorkflowDocument.governancePath(rest);
            }
            if (i < sent.size()) {
                return "$.triggers[" + sent.get(i).index() + "]" + m.group(2);
            }
        }
        return sent.size() == 1 && sent.get(0).index() == WorkflowDocument.PartTrigger.GOVERNANCE ? "$.governance"
                : "$.triggers";
    }

    private String token() {
        return auth.adminToken().map(t -> "Bearer " + t).orElse(null);
    }

    /** Null when the part's service is ready, else why not. */
    public Uni<String> unready(String part) {
        return clients.get(part).unready();
    }

    /** The parts this api-gateway deploys to. */
    public List<String> parts() {
        return List.copyOf(clients.keySet());
    }
}
