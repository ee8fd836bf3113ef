package io.agenttriggers.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signatures made at test time by the providers' official SDKs ({@code @octokit/webhooks-methods}, Stripe's
 * {@code generateTestHeaderString}, {@code standardwebhooks}) verify here; the same signatures over a changed body do
 * not. Needs Node.js and the npm registry (both present on the development machines).
 */
class ProviderSdkSignatureTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Path DIR = Path.of("target", "sdk-sign");
    static final int CASES = 40;

    @BeforeAll
    static void installSdks() throws Exception {
        Files.createDirectories(DIR);
        for (String file : List.of("package.json", "package-lock.json", "sign.mjs")) {
            Files.copy(Path.of("src", "test", "resources", "sdk-sign", file), DIR.resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(DIR.resolve("node_modules").resolve("stripe"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        }
    }

    static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(command + ": " + text).isZero();
        return text;
    }

    static java.util.function.UnaryOperator<String> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map::get;
    }

    @Test
    void signaturesFromTheProvidersSdksVerifyAndTamperedBodiesDoNot() throws Exception {
        Random random = new Random(42);
        ArrayNode inputs = MAPPER.createArrayNode();
        for (int i = 0; i < CASES; i++) {
            byte[] key = new byte[24];
            random.nextBytes(key);
            String payload = "{\"id\":\"evt_" + i + "\",\"text\":\"" + "héllo ✓ ".repeat(random.nextInt(5)) + "\",\"n\":"
                    + random.nextInt() + "}";
            inputs.addObject()
                    .put("secret", "whsec_test_" + Long.toHexString(random.nextLong()))
                    .put("whsecret", "whsec_" + Base64.getEncoder().encodeToString(key))
                    .put("payload", payload)
                    .put("timestamp", 1_700_000_000L + i)
                    .put("msgId", "msg_" + i);
        }
        JsonNode signed = MAPPER.readTree(run(List.of("node", "sign.mjs", inputs.toString()), 60));
        assertThat(signed.size()).isEqualTo(CASES);

        for (int i = 0; i < CASES; i++) {
            JsonNode in = inputs.get(i);
            JsonNode sig = signed.get(i);
            byte[] body = in.get("payload").asText().getBytes(StandardCharsets.UTF_8);
            byte[] tampered = (in.get("payload").asText() + " ").getBytes(StandardCharsets.UTF_8);
            long ts = in.get("timestamp").asLong();
            Instant now = Instant.ofEpochSecond(ts + 5);
            List<String> secret = List.of(in.get("secret").asText());

            var github = headers("X-Hub-Signature-256", sig.get("github").asText());
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.GITHUB), secret, github, body, now).ok()).isTrue();
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.GITHUB), secret, github, tampered, now).ok())
                    .isFalse();

            var stripe = headers("Stripe-Signature", sig.get("stripe").asText());
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.STRIPE), secret, stripe, body, now).ok()).isTrue();
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.STRIPE), secret, stripe, tampered, now).ok())
                    .isFalse();
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.STRIPE), secret, stripe, body,
                    Instant.ofEpochSecond(ts + 301)).code()).isEqualTo("timestamp_outside_tolerance");

            var standard = headers("webhook-id", in.get("msgId").asText(), "webhook-timestamp", Long.toString(ts),
                    "webhook-signature", sig.get("standardWebhooks").asText());
            List<String> whsecret = List.of(in.get("whsecret").asText());
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.STANDARD_WEBHOOKS), whsecret, standard, body, now)
                    .ok()).isTrue();
            assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.STANDARD_WEBHOOKS), whsecret, standard, tampered,
                    now).ok()).isFalse();
        }
    }
}
