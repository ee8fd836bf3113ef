package io.agenttriggers.console.api;

import io.agenttriggers.common.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;

/**
 * Who a bearer token is, so that the browser offers only what it may do. The services check every call themselves;
 * this answer only shapes the screens.
 */
@Path("/console/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /** A token's name, role and tenants ({@code ["*"]}: all), and what it may do. */
    public record Session(String name, String role, List<String> tenants, boolean canWrite, boolean canOperate) {
    }

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Session session() {
        boolean admin = identity.hasRole(Roles.ADMIN);
        boolean operator = identity.hasRole(Roles.OPERATOR);
        Set<String> tenants = identity.getAttribute(Roles.TENANTS_ATTRIBUTE);
        return new Session(identity.getPrincipal().getName(), admin ? Roles.ADMIN : operator ? Roles.OPERATOR
                : Roles.VIEWER, tenants == null ? List.of() : tenants.stream().sorted().toList(), admin, operator);
    }
}
