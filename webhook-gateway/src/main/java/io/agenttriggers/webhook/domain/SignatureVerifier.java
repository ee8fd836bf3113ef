package io.agenttriggers.webhook.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook request's credentials over its raw bytes, in constant time: tokens, basic credentials, generic
 * HMAC and the GitHub, Stripe, Slack, Standard Webhooks and Shopify schemes. Any of the given secrets may match
 * (the current one and, during a rotation's grace period, the previous one).
 */
public final class SignatureVerifier {

    private SignatureVerifier() {
    }

    /**
     * @param spec    the endpoint's scheme
     * @param secrets candidate secrets, newest first
     * @param header  case-insensitive header lookup (first value, or null)
     * @param body    the raw request body
     * @param now     the current time
     */
    public static Verification verify(AuthSpec spec, List<String> secrets, UnaryOperator<String> header, byte[] body,
            Instant now) {
        return switch (spec.type()) {
            case NONE -> Verification.OK;
            case BEARER -> bearer(secrets, header.apply("Authorization"));
            case BASIC -> basic(spec.username(), secrets, header.apply("Authorization"));
            case HMAC -> hmac(spec, secrets, header, body, now);
            case GITHUB -> github(secrets, header.apply("X-Hub-Signature-256"), body);
            case STRIPE -> stripe(spec, secrets, header.apply("Stripe-Signature"), body, now);
            case SLACK -> slack(spec, secrets, header.apply("X-Slack-Signature"),
                    header.apply("X-Slack-Request-Timestamp"), body, now);
            case STANDARD_WEBHOOKS -> standardWebhooks(spec, secrets, header.apply("webhook-id"),
                    header.apply("webhook-timestamp"), header.apply("webhook-signature"), body, now);
            case SHOPIFY -> shopify(secrets, header.apply("X-Shopify-Hmac-Sha256"), body);
            case GITHUB_APP -> new Verification(false, 403, "github_app_endpoint", "This endpoint takes GitHub App "
                    + "deliveries, through POST /api/v1/public/webhooks/github");
        };
    }

    private static Verification bearer(List<String> secrets, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verification.missing("An Authorization: Bearer token is required");
        }
        byte[] presented = utf8(authorization.substring(7).trim());
        return anyEquals(secrets, s -> utf8(s), presented) ? Verification.OK
                : Verification.invalid("The bearer token is not valid for this endpoint");
    }

    private static Verification basic(String username, List<String> secrets, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Verification.missing("Authorization: Basic credentials are required");
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return Verification.invalid("The basic credentials are not base64");
        }
        return anyEquals(secrets, s -> utf8(username + ":" + s), presented) ? Verification.OK
                : Verification.invalid("The basic credentials are not valid for this endpoint");
    }

    private static Verification hmac(AuthSpec spec, List<String> secrets, UnaryOperator<String> header, byte[] body,
            Instant now) {
        String signature = header.apply(spec.header());
        if (signature == null || signature.isBlank()) {
            return Verification.missing("The signature header " + spec.header() + " is missing");
        }
        String timestamp = null;
        if (spec.timestampHeader() != null) {
            timestamp = header.apply(spec.timestampHeader());
            if (timestamp == null) {
                return Verification.missing("The timestamp header " + spec.timestampHeader() + " is missing");
            }
            Verification fresh = fresh(timestamp, spec.toleranceOrDefault(), now);
            if (!fresh.ok()) {
                return fresh;
            }
        }
        String value = signature.trim();
        if (spec.prefix() != null && !spec.prefix().isEmpty()) {
            if (!value.startsWith(spec.prefix())) {
                return Verification.badSignature("The signature does not start with " + spec.prefix());
            }
            value = value.substring(spec.prefix().length());
        }
        byte[] presented = decode(value, spec.encodingOrDefault());
        if (presented == null) {
            return Verification.badSignature("The signature is not " + spec.encodingOrDefault());
        }
        byte[] content = signedContent(spec.signedContentOrDefault(), timestamp, body);
        String algorithm = javaAlgorithm(spec.algorithmOrDefault());
        return anyEquals(secrets, s -> mac(algorithm, utf8(s), content), presented) ? Verification.OK
                : Verification.badSignature("The signature does not match the body");
    }

    private static Verification github(List<String> secrets, String signature, byte[] body) {
        if (signature == null) {
            return Verification.missing("The X-Hub-Signature-256 header is missing");
        }
        if (!signature.startsWith("sha256=")) {
            return Verification.badSignature("X-Hub-Signature-256 must start with sha256=");
        }
        byte[] presented = decode(signature.substring(7).trim(), "hex");
        return presented != null && anyEquals(secrets, s -> mac("HmacSHA256", utf8(s), body), presented)
                ? Verification.OK : Verification.badSignature("The signature does not match the body");
    }

    private static Verification stripe(AuthSpec spec, List<String> secrets, String header, byte[] body, Instant now) {
        if (header == null) {
            return Verification.missing("The Stripe-Signature header is missing");
        }
        String timestamp = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                timestamp = value;
            } else if (key.equals("v1")) {
                byte[] decoded = decode(value, "hex");
                if (decoded != null) {
                    candidates.add(decoded);
                }
            }
        }
        if (timestamp == null || candidates.isEmpty()) {
            return Verification.badSignature("Stripe-Signature needs t= and at least one v1=");
        }
        Verification fresh = fresh(timestamp, spec.toleranceOrDefault(), now);
        if (!fresh.ok()) {
            return fresh;
        }
        byte[] content = concat(utf8(timestamp + "."), body);
        return anyMatches(secrets, s -> mac("HmacSHA256", utf8(s), content), candidates) ? Verification.OK
                : Verification.badSignature("No v1 signature matches the body");
    }

    private static Verification slack(AuthSpec spec, List<String> secrets, String signature, String timestamp,
            byte[] body, Instant now) {
        if (signature == null || timestamp == null) {
            return Verification.missing("X-Slack-Signature and X-Slack-Request-Timestamp are required");
        }
        Verification fresh = fresh(timestamp, spec.toleranceOrDefault(), now);
        if (!fresh.ok()) {
            return fresh;
        }
        if (!signature.startsWith("v0=")) {
            return Verification.badSignature("X-Slack-Signature must start with v0=");
        }
        byte[] presented = decode(signature.substring(3).trim(), "hex");
        byte[] content = concat(utf8("v0:" + timestamp.trim() + ":"), body);
        return presented != null && anyEquals(secrets, s -> mac("HmacSHA256", utf8(s), content), presented)
                ? Verification.OK : Verification.badSignature("The signature does not match the body");
    }

    private static Verification standardWebhooks(AuthSpec spec, List<String> secrets, String id, String timestamp,
            String signatures, byte[] body, Instant now) {
        if (id == null || timestamp == null || signatures == null) {
            return Verification.missing("webhook-id, webhook-timestamp and webhook-signature are required");
        }
        Verification fresh = fresh(timestamp, spec.toleranceOrDefault(), now);
        if (!fresh.ok()) {
            return fresh;
        }
        List<byte[]> candidates = new ArrayList<>();
        for (String entry : signatures.trim().split(" ")) {
            if (entry.startsWith("v1,")) {
                byte[] decoded = decode(entry.substring(3), "base64");
                if (decoded != null) {
                    candidates.add(decoded);
                }
            }
        }
        if (candidates.isEmpty()) {
            return Verification.badSignature("webhook-signature holds no v1 signature");
        }
        byte[] content = concat(utf8(id + "." + timestamp.trim() + "."), body);
        return anyMatches(secrets, s -> mac("HmacSHA256", standardWebhooksKey(s), content), candidates)
                ? Verification.OK : Verification.badSignature("No v1 signature matches the body");
    }

    /** Standard Webhooks secrets are base64, usually with a {@code whsec_} prefix. */
    public static byte[] standardWebhooksKey(String secret) {
        String raw = secret.startsWith("whsec_") ? secret.substring(6) : secret;
        try {
            return Base64.getDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
            return utf8(secret);
        }
    }

    private static Verification shopify(List<String> secrets, String signature, byte[] body) {
        if (signature == null) {
            return Verification.missing("The X-Shopify-Hmac-Sha256 header is missing");
        }
        byte[] presented = decode(signature.trim(), "base64");
        return presented != null && anyEquals(secrets, s -> mac("HmacSHA256", utf8(s), body), presented)
                ? Verification.OK : Verification.badSignature("The signature does not match the body");
    }

    /** Refuses timestamps outside the tolerance (seconds, or milliseconds when the number is that large). */
    static Verification fresh(String timestamp, Duration tolerance, Instant now) {
        long value;
        try {
            value = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Verification.badSignature("The signature timestamp is not a number");
        }
        long seconds = value > 100_000_000_000L ? value / 1000 : value;
        long skew = Math.abs(now.getEpochSecond() - seconds);
        return skew <= tolerance.toSeconds() ? Verification.OK
                : Verification.stale("The signature timestamp is " + skew + " s from now; the tolerance is "
                        + tolerance.toSeconds() + " s");
    }

    static byte[] signedContent(String template, String timestamp, byte[] body) {
        int at = template.indexOf("{body}");
        String before = template.substring(0, at);
        String after = template.substring(at + "{body}".length());
        if (timestamp != null) {
            before = before.replace("{timestamp}", timestamp.trim());
            after = after.replace("{timestamp}", timestamp.trim());
        }
        if (before.isEmpty() && after.isEmpty()) {
            return body; // the default template, "{body}": no copy of the body
        }
        return concat(concat(utf8(before), body), utf8(after));
    }

    public static String javaAlgorithm(String algorithm) {
        return switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "sha1" -> "HmacSHA1";
            case "sha512" -> "HmacSHA512";
            default -> "HmacSHA256";
        };
    }

    /**
     * One {@link Mac} per algorithm and thread: {@code Mac.getInstance} walks the security providers on every call,
     * which showed in the ingest profile; {@code init} resets a cached instance completely.
     */
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

    public static byte[] mac(String algorithm, byte[] key, byte[] content) {
        try {
            Map<String, Mac> macs = MACS.get();
            Mac mac = macs.get(algorithm);
            if (mac == null) {
                mac = Mac.getInstance(algorithm);
                macs.put(algorithm, mac);
            }
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            return mac.doFinal(content);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(algorithm + " is unavailable", e);
        }
    }

    private static byte[] decode(String value, String encoding) {
        try {
            return encoding.equals("base64") ? Base64.getDecoder().decode(value) : HexFormat.of().parseHex(
                    value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean anyEquals(List<String> secrets, java.util.function.Function<String, byte[]> expected,
            byte[] presented) {
        return anyMatches(secrets, expected, List.of(presented));
    }

    /** Compares every candidate against every secret, so timing reveals nothing about which was close. */
    private static boolean anyMatches(List<String> secrets, java.util.function.Function<String, byte[]> expected,
            List<byte[]> presented) {
        boolean match = false;
        for (String secret : secrets) {
            byte[] want = expected.apply(secret);
            for (byte[] candidate : presented) {
                match |= MessageDigest.isEqual(want, candidate);
            }
        }
        return match;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
