package io.agenttriggers.api.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.api.persistence.ApiKeyStore;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.page.Page;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.ratelimit.RateLimitSpec;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API keys for the API triggers: created with the key shown once, listed masked, revoked. */
@Path("/admin/v1/api-keys")
@Tag(name = "API keys")
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeysResource {

    /** The creation request. */
    public record KeyRequest(String tenantId, String name, List<String> triggers, OffsetDateTime expiresAt,
            RateLimitSpec rateLimit) {
    }

    /** A key as shown: {@code key} only in the creation answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(String id, String key, String keyPrefix, String tenantId, String name,
            List<String> triggers, RateLimitSpec rateLimit, OffsetDateTime expiresAt, OffsetDateTime revokedAt,
            OffsetDateTime createdAt, String status) {

        static KeyView of(ApiKeyStore.ApiKey k, String key) {
            OffsetDateTime now = OffsetDateTime.now();
            String status = k.revokedAt() != null ? "revoked" : k.usable(now) ? "active" : "expired";
            return new KeyView(k.id(), key, k.keyPrefix() + "…", k.tenantId(), k.name(), k.triggers(), k.rateLimit(),
                    k.expiresAt(), k.revokedAt(), k.createdAt(), status);
        }
    }

    @Inject
    ApiKeyStore store;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key", description = "201 with {id, key}: the key is shown this once and "
            + "stored only as a hash. Scoped to its tenant and, when 'triggers' lists trigger ids or names, to those.")
    public Uni<Response> create(KeyRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send the key as JSON");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.tenantId() == null || request.tenantId().isBlank() || request.tenantId().length() > 128) {
            errors.add(new FieldError("tenantId", "is required (1-128 characters)"));
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            errors.add(new FieldError("name", "is required (1-200 characters)"));
        }
        if (request.triggers() != null && (request.triggers().size() > 100
                || request.triggers().stream().anyMatch(t -> t == null || t.isBlank() || t.length() > 200))) {
            errors.add(new FieldError("triggers", "lists at most 100 trigger ids or names of 1-200 characters"));
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(OffsetDateTime.now())) {
            errors.add(new FieldError("expiresAt", "must be in the future"));
        }
        if (request.rateLimit() != null) {
            request.rateLimit().check("rateLimit", errors);
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_api_key", "Invalid API key",
                    "The key has " + errors.size() + " invalid field(s)", errors);
        }
        TenantScope.check(identity, request.tenantId());
        return store.create(request.tenantId(), request.name(), request.triggers(), request.rateLimit(),
                        request.expiresAt())
                .map(created -> Response.created(URI.create("/admin/v1/api-keys/" + created.apiKey().id()))
                        .entity(KeyView.of(created.apiKey(), created.key())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "List API keys (never the keys), newest first")
    public Uni<Page<KeyView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        if (tenantId != null) {
            TenantScope.check(identity, tenantId);
        }
        String after = Page.decode(cursor, RunIds::isRunId);
        return store.list(TenantScope.restriction(identity), tenantId, after, size + 1)
                .map(rows -> Page.of(rows.stream().map(k -> KeyView.of(k, null)).toList(), size, KeyView::id));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Operation(summary = "Read an API key (never the key)")
    public Uni<KeyView> get(@PathParam("id") String id) {
        return store.find(id).map(found -> found.filter(k -> TenantScope.allows(identity, k.tenantId()))
                .map(k -> KeyView.of(k, null))
                .orElseThrow(() -> ProblemException.notFound("api_key_not_found", "No API key " + id)));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Revoke an API key", description = "Effective at once on this replica, within a second on "
            + "the others. The record stays (status revoked).")
    public Uni<Response> revoke(@PathParam("id") String id) {
        return store.find(id).chain(found -> {
            if (found.isEmpty() || !TenantScope.allows(identity, found.get().tenantId())) {
                throw ProblemException.notFound("api_key_not_found", "No API key " + id);
            }
            return store.revoke(id);
        }).map(revoked -> Response.noContent().build());
    }
}
