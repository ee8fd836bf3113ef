package io.agenttriggers.common.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Bearer tokens for the management and dashboard APIs (SPEC §6). */
@ConfigMapping(prefix = "triggers.auth")
public interface AuthConfig {

    /** Token with the admin role over every tenant; services map it from {@code TRIGGERS_ADMIN_TOKEN}. */
    Optional<String> adminToken();

    /** Further named tokens, e.g. {@code triggers.auth.tokens.dashboard.token=...}. */
    Map<String, Token> tokens();

    interface Token {
        /** The secret bearer value. */
        String token();

        /** {@code admin} (read and write), {@code operator} (read, fire triggers) or {@code viewer} (read only). */
        @WithDefault("viewer")
        String role();

        /** Tenants the token may see; {@code *} means all. */
        @WithDefault("*")
        List<String> tenants();
    }
}
