package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.security.SecretBox;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.AuthType;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.EndpointSpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook part of workflow deployments: the endpoints one workflow's deployment holds. An unchanged endpoint
 * keeps its id (its URL) and secret; a changed one keeps both. The secret is not part of the document: it is
 * generated when the endpoint is created, shown once in that answer, and rotated with
 * {@code POST /api/v1/endpoints/{id}/rotate-secret}.
 */
@ApplicationScoped
public class EndpointDeployments extends DeploymentPart<EndpointSpec, Endpoint> {

    /** Most webhook triggers one workflow may hold. */
    public static final int MAX_ENDPOINTS = 20;

    @Inject
    EndpointStore store;

    @Inject
    EndpointCache cache;

    @Inject
    WebhookGatewayConfig config;

    /** Every problem of the part, with fields as {@code triggers[i].field}; the specs carry the owner already. */
    public List<FieldError> check(List<EndpointSpec> specs) {
        List<FieldError> errors = new ArrayList<>();
        if (specs.size() > MAX_ENDPOINTS) {
            errors.add(new FieldError("triggers", "at most " + MAX_ENDPOINTS + " webhook triggers per workflow"));
            return errors;
        }
        for (int i = 0; i < specs.size(); i++) {
            for (FieldError e : specs.get(i).problems(null)) {
                errors.add(new FieldError("triggers[" + i + "]." + e.field(), e.message()));
            }
        }
        errors.addAll(names(specs, EndpointSpec::name));
        return errors;
    }

    @Override
    protected Uni<List<Endpoint>> owned(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId);
    }

    @Override
    protected String name(EndpointSpec spec) {
        return spec.name();
    }

    @Override
    protected String storedName(Endpoint e) {
        return e.spec().name();
    }

    @Override
    protected String id(Endpoint e) {
        return e.id();
    }

    @Override
    protected boolean same(EndpointSpec spec, Endpoint e) {
        return EventJson.write(spec).equals(EventJson.write(e.spec()));
    }

    @Override
    protected Uni<Endpoint> create(EndpointSpec spec) {
        AuthType type = spec.auth().type();
        return store.create(spec, type.hasSecret() ? type.newSecret() : null, Ownership.DEPLOYMENT)
                .invoke(e -> cache.invalidateRoutes(e.tenantId(), e.spec().workflowId(), e.spec().name()));
    }

    @Override
    protected Uni<Endpoint> update(Endpoint existing, EndpointSpec spec) {
        return store.update(existing.id(), spec, null, "deployed").invoke(() -> cache.invalidate(existing.id()));
    }

    @Override
    protected Uni<Void> delete(Endpoint e) {
        return store.delete(e.id()).invoke(() -> {
            cache.invalidate(e.id());
            cache.invalidateRoutes(e.tenantId(), e.spec().workflowId(), e.spec().name());
        }).replaceWithVoid();
    }

    @Override
    protected Map<String, Object> observed(Endpoint e) {
        Map<String, Object> out = new LinkedHashMap<>();
        String base = config.publicUrl().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).orElse("");
        if (e.spec().auth().type() == io.agenttriggers.webhook.domain.AuthType.GITHUB_APP) {
            // Its deliveries come through the GitHub App's one URL; its own URLs refuse them.
            out.put("url", base + "/api/v1/public/webhooks/github");
        } else {
            out.put("url", base + "/webhooks/" + e.id());
            out.put("workflowUrl", base + "/api/v1/public/webhook/workflow/" + e.spec().workflowId() + "?tenantId="
                    + encode(e.tenantId()) + "&trigger=" + encode(e.spec().name()));
        }
        out.put("enabled", e.spec().isEnabled());
        out.put("auth", e.spec().auth().type().wire());
        if (!e.secrets().isEmpty()) {
            out.put("secretHint", SecretBox.hint(e.secrets().get(0)));
        }
        out.put("endpointVersion", e.version());
        return out;
    }

    /** The answer that created the endpoint shows its generated secret, this once. */
    @Override
    protected Map<String, Object> created(Endpoint e) {
        Map<String, Object> out = observed(e);
        if (!e.secrets().isEmpty()) {
            out.put("secret", e.secrets().get(0));
        }
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
