package io.agenttriggers.webhook.api;

import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.webhook.persistence.EndpointCache;
import io.agenttriggers.webhook.persistence.EndpointStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.regex.Pattern;

/**
 * A deployed workflow's webhook trigger under a URL that names the workflow rather than an endpoint id:
 * {@code POST /api/v1/public/webhook/workflow/{workflowId}?tenantId=acme[&trigger=inbox]}. The URL stays the same
 * across deployments and undeploy/redeploy, so a sender is configured once. Workflow ids are unique per tenant, so the
 * tenant is part of the URL; {@code trigger} names the webhook trigger when the workflow has more than one. The
 * delivery is then the endpoint's, with the endpoint's own authentication, limits and answers.
 *
 * <p>The (tenant, workflow, trigger) triple is chosen by the sender, so its lookups are cached as endpoint ids are
 * ({@link EndpointCache#workflowRoute}): malformed ones never reach the database, made-up ones only evict each other.
 */
@ApplicationScoped
public class WorkflowWebhookRoute {

    static final String PATH = "/api/v1/public/webhook/workflow/:workflowId";
    private static final Pattern TRIGGER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @Inject
    WebhookIngress ingress;

    @Inject
    EndpointCache endpoints;

    void routes(@Observes Router router) {
        router.route(PATH).order(WebhookIngress.ROUTE_ORDER).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        String workflowId = rc.pathParam("workflowId");
        String tenantId = rc.queryParams().get("tenantId");
        String trigger = rc.queryParams().get("trigger");
        if (tenantId == null || !Ownership.TENANT_ID.matcher(tenantId).matches()) {
            ingress.refuseUnread(rc, ProblemException.badRequest("tenant_required", "Workflow ids are unique per "
                    + "tenant: name the workflow's tenant with ?tenantId="));
            return;
        }
        if (!Ownership.WORKFLOW_ID.matcher(workflowId).matches()
                || trigger != null && !TRIGGER.matcher(trigger).matches()) {
            ingress.refuseUnread(rc, notFound(workflowId));
            return;
        }
        endpoints.workflowRoute(tenantId, workflowId, trigger).subscribe().with(found -> {
            if (found.isEmpty()) {
                ingress.refuseUnread(rc, notFound(workflowId));
            } else if (EndpointStore.AMBIGUOUS.equals(found.get())) {
                ingress.refuseUnread(rc, ProblemException.badRequest("trigger_required", "Workflow " + workflowId
                        + " has several webhook triggers: name one with &trigger="));
            } else {
                ingress.handle(rc, found.get());
            }
        }, failure -> ingress.refuseUnread(rc, ProblemException.unavailable("lookup_failed",
                "The workflow's webhook could not be looked up; try again", 1)));
    }

    private static ProblemException notFound(String workflowId) {
        return ProblemException.notFound("workflow_webhook_not_found", "No deployed webhook trigger of workflow "
                + workflowId);
    }
}
