package io.agenttriggers.common.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Authenticates {@code Authorization: Bearer} tokens configured in {@link AuthConfig}. Only resources that ask
 * for a role (with proactive authentication off) run it, so ingress endpoints that carry their own credentials
 * (webhook signatures, API keys) are never touched. Tokens are compared in constant time and never logged.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(BearerTokenMechanism.class);

    @Inject
    AuthConfig config;

    private final List<Entry> entries = new ArrayList<>();

    private record Entry(String name, byte[] token, String role, Set<String> tenants) {
    }

    @PostConstruct
    void init() {
        config.adminToken().ifPresent(t -> entries.add(new Entry("admin", bytes(t), Roles.ADMIN, Set.of("*"))));
        config.tokens().forEach((name, t) -> {
            String role = Roles.ADMIN.equals(t.role()) || Roles.OPERATOR.equals(t.role()) ? t.role() : Roles.VIEWER;
            entries.add(new Entry(name, bytes(t.token()), role, Set.copyOf(t.tenants())));
        });
        if (entries.isEmpty()) {
            LOG.warn("No management token is configured (TRIGGERS_ADMIN_TOKEN): management APIs refuse every call");
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String header = context.request().getHeader("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        byte[] presented = bytes(header.substring(7).trim());
        Entry match = null;
        for (Entry e : entries) {
            // Check every entry so the time taken does not reveal which token nearly matched.
            if (MessageDigest.isEqual(e.token(), presented) && match == null) {
                match = e;
            }
        }
        if (match == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown bearer token"));
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(match.name()))
                .addRole(match.role())
                .addAttribute(Roles.TENANTS_ATTRIBUTE, match.tenants());
        if (Roles.ADMIN.equals(match.role())) {
            identity.addRole(Roles.OPERATOR);
        }
        if (!Roles.VIEWER.equals(match.role())) {
            identity.addRole(Roles.VIEWER);
        }
        return Uni.createFrom().item(identity.build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
