package io.agenttriggers.queue.deployment;

import io.agenttriggers.queue.config.QueueConsumerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The credentials of deployed sources, by reference only: a document says {@code secret:<name>}, and the value is
 * read from the tenant's own secrets when the source starts. Never stored, logged or shown; a tenant can name only
 * its own secrets, so a deployment cannot aim another tenant's (or the service's) credentials at a host it owns.
 */
@ApplicationScoped
public class TenantSecrets {

    public static final String PREFIX = "secret:";
    /** A secret's name: a file name without separators (no {@code ..}, no {@code /}). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** Longest secret read; a credential is short. */
    static final long MAX_BYTES = 16 * 1024;

    @Inject
    QueueConsumerConfig config;

    Function<String, String> env = System::getenv;

    /** The name a reference names, or null when the text is not a reference ({@code secret:<name>}). */
    public static String name(String reference) {
        if (reference == null || !reference.startsWith(PREFIX)) {
            return null;
        }
        String name = reference.substring(PREFIX.length());
        return NAME.matcher(name).matches() ? name : null;
    }

    /**
     * The value of the tenant's secret: the file {@code <secretsDir>/<tenant>/<name>} (trailing newline dropped), else
     * {@code TRIGGERS_SECRET_<TENANT>_<NAME>}; empty when neither exists. Blocking (a file read).
     */
    public Optional<String> resolve(String tenantId, String reference) {
        String name = name(reference);
        if (name == null) {
            return Optional.empty();
        }
        Path file = Path.of(config.deployments().secretsDir(), tenantId, name);
        try {
            if (Files.isRegularFile(file) && Files.size(file) <= MAX_BYTES) {
                String value = Files.readString(file, StandardCharsets.UTF_8);
                return Optional.of(value.endsWith("\n") ? value.substring(0, value.length() - 1) : value);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(env.apply(envName(tenantId, name))).filter(v -> !v.isEmpty());
    }

    /** {@code TRIGGERS_SECRET_ACME_MAILBOX_PASSWORD} for tenant {@code acme}, secret {@code mailbox-password}. */
    public static String envName(String tenantId, String name) {
        return "TRIGGERS_SECRET_" + upper(tenantId) + "_" + upper(name);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
