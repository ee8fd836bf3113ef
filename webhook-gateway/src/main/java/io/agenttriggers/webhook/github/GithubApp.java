package io.agenttriggers.webhook.github;

import io.agenttriggers.webhook.config.GithubAppConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.authorization.AppInstallationAuthorizationProvider;
import org.kohsuke.github.authorization.AuthorizationProvider;
import org.kohsuke.github.extras.HttpClientGitHubConnector;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;

/**
 * The GitHub App this installation runs as: its webhook secret, which tenant each installation belongs to, and one
 * hub4j client per installation. A client authenticates with an installation access token that hub4j's
 * {@link AppInstallationAuthorizationProvider} mints from the App's JWT (RS256, {@link JWTTokenProvider}) and keeps
 * until five minutes before it expires; tokens and the key are never logged. Rate limits fail at once rather than
 * sleeping a thread ({@code FAIL} handlers): a delivery never waits for GitHub's reset.
 *
 * <p>A configuration that names an App but cannot be used (unreadable key, malformed installations) stops the start:
 * an App that silently accepts nothing would be worse.
 */
@Startup
@ApplicationScoped
public class GithubApp {

    private static final Logger LOG = Logger.getLogger(GithubApp.class);

    @Inject
    GithubAppConfig config;

    private AuthorizationProvider jwt;
    private Map<Long, String> tenants = Map.of();
    private HttpClient http;
    /** Bounded by the configured installations: a client is made only for an installation that has a tenant. */
    private final Map<Long, GitHub> clients = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        if (config.id().isEmpty()) {
            return;
        }
        if (config.webhookSecret().filter(s -> s.length() >= 8).isEmpty()) {
            throw new IllegalStateException("triggers.github-app.webhook-secret is required (at least 8 characters) "
                    + "when triggers.github-app.id is set");
        }
        tenants = installations(config.installations().orElse(""));
        String pem = config.privateKey().filter(k -> !k.isBlank()).orElseGet(() -> config.privateKeyFile()
                .map(GithubApp::read).orElse(null));
        if (pem != null) {
            jwt = new JWTTokenProvider(config.id().get(), privateKey(pem));
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        LOG.infof("GitHub App %s: %d installation(s) assigned to tenants, repository context %s (API %s)",
                config.id().get(), tenants.size(), pem == null ? "off (no private key)" : "on", config.apiUrl());
    }

    @PreDestroy
    void close() {
        clients.clear();
    }

    public boolean configured() {
        return config.id().isPresent();
    }

    /** Whether repository context can be fetched (a private key is configured). */
    public boolean fetchesContext() {
        return jwt != null;
    }

    public String id() {
        return config.id().orElse(null);
    }

    public String webhookSecret() {
        return config.webhookSecret().orElseThrow();
    }

    public String apiUrl() {
        return config.apiUrl();
    }

    public int assignedInstallations() {
        return tenants.size();
    }

    public Optional<String> tenantOf(long installationId) {
        return Optional.ofNullable(tenants.get(installationId));
    }

    /** The client of an installation that has a tenant; its first call mints the installation's token. */
    public GitHub client(long installationId) {
        if (jwt == null || !tenants.containsKey(installationId)) {
            throw new IllegalStateException("no client for installation " + installationId);
        }
        return clients.computeIfAbsent(installationId, id -> {
            try {
                AuthorizationProvider token = new AppInstallationAuthorizationProvider(
                        app -> app.getInstallationById(id), jwt);
                return builder().withAuthorizationProvider(token).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private GitHubBuilder builder() {
        return new GitHubBuilder().withEndpoint(config.apiUrl())
                .withConnector(new HttpClientGitHubConnector(http))
                .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
                .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL);
    }

    /** {@code 123=acme, 456=beta} → installation id → tenant. */
    static Map<Long, String> installations(String pairs) {
        Map<Long, String> out = new TreeMap<>();
        for (String pair : pairs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String id = eq < 0 ? "" : pair.substring(0, eq).trim();
            String tenant = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (!id.matches("[0-9]{1,19}") || !tenant.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalStateException("triggers.github-app.installations: '" + pair.trim()
                        + "' is not installationId=tenant");
            }
            if (out.put(Long.parseLong(id), tenant) != null) {
                throw new IllegalStateException("triggers.github-app.installations: installation " + id
                        + " is listed twice");
            }
        }
        return Map.copyOf(out);
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalStateException("triggers.github-app.private-key-file cannot be read: " + file, e);
        }
    }

    /**
     * An RSA private key from PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}) as is, PKCS#1 ({@code BEGIN RSA PRIVATE KEY},
     * what GitHub's App settings download) wrapped into PKCS#8, which is what the JDK reads.
     */
    static PrivateKey privateKey(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            if (pem.contains("BEGIN RSA PRIVATE KEY")) {
                der = pkcs8(der);
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalStateException("triggers.github-app private key is not an RSA key in PEM", e);
        }
    }

    /** PrivateKeyInfo {version 0, AlgorithmIdentifier rsaEncryption NULL, OCTET STRING pkcs1}. */
    static byte[] pkcs8(byte[] pkcs1) {
        byte[] algorithm = { 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
        byte[] octets = der(0x04, pkcs1);
        byte[] content = new byte[algorithm.length + octets.length];
        System.arraycopy(algorithm, 0, content, 0, algorithm.length);
        System.arraycopy(octets, 0, content, algorithm.length, octets.length);
        return der(0x30, content);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] { (byte) n }
                : n < 0x100 ? new byte[] { (byte) 0x81, (byte) n }
                : n < 0x10000 ? new byte[] { (byte) 0x82, (byte) (n >> 8), (byte) n }
                : new byte[] { (byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n };
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }
}
