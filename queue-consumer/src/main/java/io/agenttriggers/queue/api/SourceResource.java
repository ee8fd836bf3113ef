package io.agenttriggers.queue.api;

import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.queue.source.SourceManager;
import io.agenttriggers.queue.source.SourceRunner;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The declared sources: state, backlog and counters; pause and resume. Sources are declared in configuration, so
 * there is no create or delete here. Pausing affects every replica and every tenant the source feeds, so it takes an
 * operator whose token is not limited to some tenants.
 */
@Path("/api/v1/sources")
@Tag(name = "Sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourceResource {

    @Inject
    SourceManager manager;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "List the sources", description = "By name; state (starting, running, reconnecting, "
            + "stopped, disabled), paused, backlog where the broker tells (Kafka lag, SQS visible messages, unread "
            + "mail), counters since this replica started. origin=declared lists the sources of configuration, "
            + "origin=deployed those of workflow deployments (named tenant:workflow:trigger); workflowId= one "
            + "workflow's.")
    public Page<SourceView> list(@QueryParam("type") String type, @QueryParam("origin") String origin,
            @QueryParam("workflowId") String workflowId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        String after = Page.decode(cursor, c -> true);
        if (origin != null && !origin.equals("declared") && !origin.equals("deployed")) {
            throw ProblemException.badRequest("invalid_origin", "origin is declared or deployed");
        }
        List<SourceView> rows = manager.runners().stream()
                .filter(this::visible)
                .filter(r -> type == null || r.spec().type().name().equalsIgnoreCase(type))
                .filter(r -> origin == null || r.spec().deployed() == origin.equals("deployed"))
                .filter(r -> workflowId == null || workflowId.equals(r.spec().workflowId()))
                .filter(r -> after == null || r.spec().name().compareTo(after) > 0)
                .limit(size + 1L)
                .map(r -> SourceView.of(r, false))
                .toList();
        return Page.of(rows, size, SourceView::name);
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Read a source", description = "As in the list, plus the last 20 messages that did not "
            + "become events (when, message id, why, and what was done: dead-letter, ack or requeue).")
    public SourceView get(@PathParam("name") String name) {
        SourceRunner runner = find(name);
        if (!visible(runner)) {
            throw ProblemException.notFound("source-not-found", "no source named " + name);
        }
        return SourceView.of(runner, true);
    }

    /**
     * A token limited to some tenants sees a source only when every event it makes is one of those tenants' (a fixed
     * tenant): a source whose tenant comes from each message feeds tenants the token may not see, and its failures
     * and addresses are theirs too.
     */
    private boolean visible(SourceRunner runner) {
        return TenantScope.restriction(identity).map(tenants -> {
            var tenant = runner.spec().tenantId();
            return tenant != null && tenant.value() != null && tenants.contains(tenant.value());
        }).orElse(true);
    }

    @POST
    @Path("{name}/pause")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Pause a source on every replica", description = "Consumption stops within a few seconds; "
            + "messages in flight finish. The pause is kept in Redis, so restarts keep it.")
    public Uni<SourceView> pause(@PathParam("name") String name) {
        SourceRunner runner = operable(name);
        return manager.pause(runner, identity.getPrincipal().getName())
                .onFailure().transform(SourceResource::unavailable)
                .map(r -> SourceView.of(r, false));
    }

    @POST
    @Path("{name}/resume")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Resume a paused source on every replica")
    public Uni<SourceView> resume(@PathParam("name") String name) {
        SourceRunner runner = operable(name);
        return manager.resume(runner, identity.getPrincipal().getName())
                .onFailure().transform(SourceResource::unavailable)
                .map(r -> SourceView.of(r, false));
    }

    private SourceRunner operable(String name) {
        SourceRunner runner = find(name);
        if (TenantScope.restriction(identity).isPresent()) {
            throw new ProblemException(403, "source-not-operable", "Forbidden",
                    "a source feeds every tenant; pausing it takes a token that is not limited to some tenants");
        }
        if (runner.state() == SourceRunner.State.DISABLED) {
            throw new ProblemException(409, "source-disabled", "Conflict",
                    "source " + name + " is disabled in configuration");
        }
        return runner;
    }

    private SourceRunner find(String name) {
        return manager.runner(name).orElseThrow(() -> ProblemException.notFound("source-not-found",
                "no source named " + name));
    }

    private static Throwable unavailable(Throwable e) {
        return e instanceof ProblemException ? e : ProblemException.unavailable("pause-not-recorded",
                "the pause state could not be recorded in Redis, so other replicas would not follow; try again", 5);
    }
}
