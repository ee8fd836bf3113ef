package io.agenttriggers.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.api.deployment.DeploymentController;
import io.agenttriggers.api.deployment.DeploymentController.Outcome;
import io.agenttriggers.api.deployment.DeploymentStatus;
import io.agenttriggers.api.deployment.DeploymentStore;
import io.agenttriggers.api.deployment.PartClient;
import io.agenttriggers.api.deployment.WorkflowDocument;
import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.IfMatch;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Workflow deployments: one versioned document deploys, updates, rolls back and undeploys a workflow's triggers as a
 * unit (the workflow-scheduler seed's routes). Changes are admin's; reads are every role's, within the token's
 * tenants. GET and DELETE name the tenant with {@code ?tenantId=} unless the token has exactly one.
 */
@Path("/api/v1/deployment/workflows")
@Tag(name = "Workflow deployments")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentsResource {

    private static final String YAML = "application/yaml";

    @Inject
    DeploymentController controller;

    @Inject
    DeploymentStore store;

    @Inject
    PartClient parts;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("{workflowId}/deploy")
    @RolesAllowed(Roles.ADMIN)
    @Consumes({ MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml" })
    @Operation(summary = "Deploy a new workflow", description = "The document (JSON or YAML) is validated whole; "
            + "201 when every trigger is in force, 202 when a service is down (the status shows Pending until it "
            + "takes its part), 422 naming each invalid field as a path into the document ($.triggers[0].expression) "
            + "with nothing changed, 409 when the workflow is deployed already (use PUT). dryRun=true answers the plan.")
    public Uni<Response> create(@PathParam("workflowId") String workflowId, @QueryParam("dryRun") boolean dryRun,
            @HeaderParam("Content-Type") String contentType, String body) {
        WorkflowDocument document = document(workflowId, contentType, body);
        if (dryRun) {
            return plan(document);
        }
        return controller.deploy(document, 0)
                .onFailure(DeploymentStore.VersionConflict.class).transform(e -> new ProblemException(409,
                        "already_deployed", "Conflict", "Workflow " + workflowId + " is deployed already; PUT a new "
                                + "version"))
                .chain(o -> answer(o, 201));
    }

    @PUT
    @Path("{workflowId}/deploy")
    @RolesAllowed(Roles.ADMIN)
    @Consumes({ MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml" })
    @Operation(summary = "Deploy a new version of a workflow", description = "Only the triggers that changed are "
            + "touched: an unchanged schedule keeps its next fire time and history; a trigger the version no longer "
            + "names is deleted. If-Match with the version read refuses lost updates (412). 200 when in force, 202 "
            + "pending, 422 refused (the version in force keeps running).")
    public Uni<Response> update(@PathParam("workflowId") String workflowId, @QueryParam("dryRun") boolean dryRun,
            @HeaderParam("Content-Type") String contentType, @HeaderParam("If-Match") String ifMatch, String body) {
        Integer expected = IfMatch.version(ifMatch);
        WorkflowDocument document = document(workflowId, contentType, body);
        if (dryRun) {
            return plan(document);
        }
        return deploy(document, expected, 200);
    }

    @DELETE
    @Path("{workflowId}/undeploy")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Undeploy a workflow", description = "Removes every trigger it owns; 200 when all are "
            + "gone, 202 while a service that is down still holds some (the status reads Deleting).")
    public Uni<Response> undeploy(@PathParam("workflowId") String workflowId, @QueryParam("tenantId") String tenantId) {
        String tenant = tenant(tenantId, workflowId);
        return controller.undeploy(tenant, workflowId).chain(o -> {
            if (o == null) {
                throw notFound(workflowId);
            }
            if (o.result() == DeploymentController.Result.REMOVED) {
                return Uni.createFrom().item(Response.ok(EventJson.MAPPER.createObjectNode()
                        .put("workflowId", workflowId).put("tenantId", tenant).put("state", "Removed")).build());
            }
            return status(o.deployment()).map(s -> Response.accepted(s).build());
        });
    }

    @GET
    @Path("{workflowId}/status")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER })
    @Operation(summary = "A deployment's status", description = "Desired and observed version; per trigger a "
            + "condition (Ready, Pending, Failed with reason and since) and what its service observes (next and last "
            + "fire time, last run and its status); the newest refused version's errors.")
    public Uni<Response> status(@PathParam("workflowId") String workflowId, @QueryParam("tenantId") String tenantId) {
        String tenant = tenant(tenantId, workflowId);
        return store.find(tenant, workflowId)
                .map(found -> found.orElseThrow(() -> notFound(workflowId)))
                .chain(this::status)
                .map(s -> Response.ok(s).tag(Integer.toString(s.desiredVersion())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER })
    @Operation(summary = "List deployments", description = "Filters: tenantId, state (pending, ready, deleting); "
            + "ordered by tenant and workflow id. Conditions are the stored ones (read a status for what the "
            + "services observe).")
    public Uni<Page<DeploymentStatus>> list(@QueryParam("tenantId") String tenantId,
            @QueryParam("state") String state, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        if (state != null && !Set.of("pending", "ready", "deleting").contains(state)) {
            throw ProblemException.badRequest("invalid_state", "state is pending, ready or deleting");
        }
        String after = Page.decode(cursor, c -> c.matches("[A-Za-z0-9._-]{1,64}/[A-Za-z0-9._-]{1,100}"));
        return store.list(TenantScope.restriction(identity), tenantId, state, after, size + 1)
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(d -> desired(d)
                                .map(doc -> DeploymentStatus.of(d, doc, Map.of())))
                        .collect().asList())
                .map(rows -> Page.of(rows, size, s -> s.tenantId() + "/" + s.workflowId()));
    }

    @GET
    @Path("{workflowId}/versions")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER })
    @Operation(summary = "A workflow's versions, newest first", description = "Each with its document and outcome "
            + "(applied, refused, or none while it has not been settled).")
    public Uni<Page<DeploymentStore.Version>> versions(@PathParam("workflowId") String workflowId,
            @QueryParam("tenantId") String tenantId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        String tenant = tenant(tenantId, workflowId);
        int size = Page.limit(limit);
        String after = Page.decode(cursor, c -> c.matches("[1-9][0-9]{0,8}"));
        return store.find(tenant, workflowId).map(found -> found.orElseThrow(() -> notFound(workflowId)))
                .chain(d -> store.versions(tenant, workflowId, after == null ? null : Integer.valueOf(after),
                        size + 1))
                .map(rows -> Page.of(rows, size, v -> Integer.toString(v.version())));
    }

    @POST
    @Path("{workflowId}/versions/{version}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Roll back to a version", description = "Deploys a new version equal to version n; "
            + "If-Match, answers and semantics as PUT .../deploy.")
    public Uni<Response> rollback(@PathParam("workflowId") String workflowId, @PathParam("version") int version,
            @QueryParam("tenantId") String tenantId, @HeaderParam("If-Match") String ifMatch) {
        String tenant = tenant(tenantId, workflowId);
        Integer expected = IfMatch.version(ifMatch);
        return store.version(tenant, workflowId, version)
                .map(v -> v.orElseThrow(() -> ProblemException.notFound("version_not_found", "Workflow "
                        + workflowId + " has no version " + version)))
                .chain(v -> deploy(WorkflowDocument.of(v.document()), expected, 200));
    }

    private Uni<Response> deploy(WorkflowDocument document, Integer expected, int inForce) {
        return controller.deploy(document, expected)
                .onFailure(DeploymentStore.VersionConflict.class).transform(e -> new ProblemException(412,
                        "version_conflict", "Precondition failed", "The deployment is at version "
                                + ((DeploymentStore.VersionConflict) e).current + ", not " + expected))
                .chain(o -> answer(o, inForce));
    }

    private Uni<Response> answer(Outcome o, int inForce) {
        if (o.result() == DeploymentController.Result.REFUSED) {
            List<FieldError> errors = new ArrayList<>();
            o.failure().path("errors").forEach(e -> errors.add(new FieldError(e.path("field").asText(),
                    e.path("message").asText())));
            throw new ProblemException(422, "deployment_refused", "Deployment refused", "The " + o.failure()
                    .path("part").asText() + " service refused version " + o.failure().path("version").asInt()
                    + ": " + o.failure().path("detail").asText() + ". Nothing of it stays in force.", errors);
        }
        return status(o.deployment()).map(s -> s.withSecrets(o.answers()))
                .map(s -> Response.status(o.result() == DeploymentController.Result.READY ? inForce : 202)
                .location(URI.create("/api/v1/deployment/workflows/" + s.workflowId() + "/status?tenantId="
                        + s.tenantId()))
                .tag(Integer.toString(s.desiredVersion())).entity(s).build());
    }

    private Uni<Response> plan(WorkflowDocument document) {
        return store.find(document.tenantId(), document.workflowId())
                .chain(d -> controller.plan(document, d.map(x -> x.version() + 1).orElse(1)))
                .map(answers -> {
                    ObjectNode out = EventJson.MAPPER.createObjectNode().put("workflowId", document.workflowId())
                            .put("tenantId", document.tenantId()).put("dryRun", true);
                    ObjectNode plan = out.putObject("parts");
                    List<FieldError> errors = new ArrayList<>();
                    for (Map.Entry<String, PartClient.Answer> e : answers.entrySet()) {
                        if (e.getValue() instanceof PartClient.Applied a) {
                            plan.set(e.getKey(), EventJson.MAPPER.valueToTree(a.result().items()));
                        } else if (e.getValue() instanceof PartClient.Refused r) {
                            errors.addAll(r.errors());
                        } else {
                            throw ProblemException.unavailable("part_unavailable", "The plan needs every service: "
                                    + ((PartClient.Unreachable) e.getValue()).reason(), 5);
                        }
                    }
                    if (!errors.isEmpty()) {
                        throw new ProblemException(422, "invalid_deployment", "Invalid deployment",
                                errors.size() + " invalid field(s)", errors);
                    }
                    return Response.ok(out).build();
                });
    }

    private Uni<DeploymentStatus> status(DeploymentStore.Deployment d) {
        Map<String, PartResult> observed = new LinkedHashMap<>();
        return desired(d).chain(doc -> Multi.createFrom().iterable(parts.parts())
                .onItem().transformToUniAndConcatenate(p -> controller.observed(p, d.tenantId(), d.workflowId())
                        .invoke(r -> {
                            if (r != null) {
                                observed.put(p, r);
                            }
                        }))
                .collect().asList()
                .map(ignored -> DeploymentStatus.of(d, doc, observed)));
    }

    private Uni<WorkflowDocument> desired(DeploymentStore.Deployment d) {
        if (d.version() == 0) {
            return Uni.createFrom().nullItem();
        }
        return store.version(d.tenantId(), d.workflowId(), d.version())
                .map(v -> v.map(x -> WorkflowDocument.of(x.document())).orElse(null));
    }

    private WorkflowDocument document(String workflowId, String contentType, String body) {
        Ownership.requireWorkflowId(workflowId);
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("empty_body", "Send the workflow document (JSON or YAML)");
        }
        JsonNode json;
        try {
            boolean yaml = contentType != null && contentType.toLowerCase().contains("yaml");
            json = yaml ? DeclarativeFiles.YAML.readTree(body) : EventJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("invalid_document", "The document is not valid "
                    + (contentType != null && contentType.contains("yaml") ? "YAML" : "JSON") + " (line "
                    + location(e) + ")");
        }
        List<FieldError> errors = new ArrayList<>();
        WorkflowDocument document = WorkflowDocument.parse(json, workflowId, errors);
        if (document != null && document.tenantId() != null && errors.stream()
                .noneMatch(e -> e.field().equals("$.tenantId"))) {
            TenantScope.check(identity, document.tenantId());
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_deployment", "Invalid deployment", errors.size()
                    + " invalid field(s); nothing was changed", errors);
        }
        return document;
    }

    private static String location(java.io.IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null) {
            return p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr();
        }
        return "unknown";
    }

    /** The tenant a GET or DELETE is about: the parameter, or the token's only tenant. */
    String tenant(String tenantId, String workflowId) {
        Ownership.requireWorkflowId(workflowId);
        if (tenantId == null) {
            Optional<Set<String>> scope = TenantScope.restriction(identity);
            if (scope.isPresent() && scope.get().size() == 1) {
                return scope.get().iterator().next();
            }
            throw ProblemException.badRequest("tenant_required", "Name the workflow's tenant with ?tenantId=");
        }
        Ownership.requireTenantId(tenantId);
        TenantScope.check(identity, tenantId);
        return tenantId;
    }

    private static ProblemException notFound(String workflowId) {
        return ProblemException.notFound("deployment_not_found", "No deployment of workflow " + workflowId);
    }
}
