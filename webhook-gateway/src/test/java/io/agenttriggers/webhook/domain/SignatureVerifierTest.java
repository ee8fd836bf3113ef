package io.agenttriggers.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SignatureVerifierTest {

    static UnaryOperator<String> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map::get;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- the providers' published vectors

    @Example
    void acceptsTheStandardWebhooksSpecificationVector() {
        Verification v = SignatureVerifier.verify(AuthSpec.of(AuthType.STANDARD_WEBHOOKS),
                List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                headers("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp", "1614265330",
                        "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                utf8("{\"test\": 2432232314}"), Instant.ofEpochSecond(1614265330 + 10));
        assertThat(v.ok()).isTrue();
    }

    @Example
    void acceptsGitHubsDocumentedExample() {
        Verification v = SignatureVerifier.verify(AuthSpec.of(AuthType.GITHUB), List.of("It's a Secret to Everybody"),
                headers("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                utf8("Hello, World!"), Instant.now());
        assertThat(v.ok()).isTrue();
    }

    @Example
    void acceptsSlacksDocumentedExample() {
        String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        Verification v = SignatureVerifier.verify(AuthSpec.of(AuthType.SLACK),
                List.of("8f742231b10e8888abcd99yyyzzz85a5"),
                headers("X-Slack-Request-Timestamp", "1531420618",
                        "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
                utf8(body), Instant.ofEpochSecond(1531420618 + 60));
        assertThat(v.ok()).isTrue();
    }

    /** Computes a MAC with the JDK directly, independent of {@link SignatureVerifier#mac}. */
    static byte[] jdkMac(String algorithm, String key, String content) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance(algorithm);
        mac.init(new javax.crypto.spec.SecretKeySpec(utf8(key), algorithm));
        return mac.doFinal(utf8(content));
    }

    @Example
    void acceptsAShopifyKnownAnswerAndRejectsAChangedByte() throws Exception {
        String secret = "hush-shopify-secret";
        String body = "{\"id\":820982911946154508,\"email\":\"jon@example.com\",\"topic\":\"orders/create\"}";
        // Known answer: base64(HMAC-SHA256(secret, body)), computed outside Java (Python's hmac) and again here.
        String expected = "ikbzk8tQ47habDA0mMfGV1Oa6aoYIOanAKjmFL26c+E=";
        assertThat(Base64.getEncoder().encodeToString(jdkMac("HmacSHA256", secret, body))).isEqualTo(expected);

        AuthSpec shopify = AuthSpec.of(AuthType.SHOPIFY);
        assertThat(SignatureVerifier.verify(shopify, List.of(secret), headers("X-Shopify-Hmac-Sha256", expected),
                utf8(body), Instant.now()).ok()).isTrue();
        byte[] changed = utf8(body);
        changed[changed.length - 3] ^= 1;
        Verification tampered = SignatureVerifier.verify(shopify, List.of(secret),
                headers("X-Shopify-Hmac-Sha256", expected), changed, Instant.now());
        assertThat(tampered.ok()).isFalse();
        assertThat(tampered.status()).isEqualTo(403);
        assertThat(tampered.code()).isEqualTo("bad_signature");
    }

    @Example
    void genericHmacVerifiesSha1HexWithoutATimestamp() throws Exception {
        String secret = "sha1-secret";
        String body = "{\"event\":\"build.finished\",\"id\":42}";
        // Known answer: hex(HMAC-SHA1(secret, body)), computed outside Java (Python's hmac) and again here.
        String expected = "9cf66e8a00b342b95cccb555498e8ba58dcf584a";
        assertThat(HexFormat.of().formatHex(jdkMac("HmacSHA1", secret, body))).isEqualTo(expected);

        AuthSpec sha1 = new AuthSpec(AuthType.HMAC, "sha1", "X-Signature", "hex", null, null, null, null, null);
        assertThat(sha1.problems()).isEmpty();
        // No timestamp header is configured, so no timestamp is needed, however old the request is.
        Instant muchLater = Instant.now().plus(Duration.ofDays(400));
        assertThat(SignatureVerifier.verify(sha1, List.of(secret), headers("X-Signature", expected), utf8(body),
                muchLater).ok()).isTrue();
        assertThat(SignatureVerifier.verify(sha1, List.of(secret), headers("X-Signature", expected.toUpperCase()),
                utf8(body), muchLater).ok()).isTrue();
        assertThat(SignatureVerifier.verify(sha1, List.of(secret), headers("X-Signature", expected),
                utf8(body.replace("42", "43")), muchLater).code()).isEqualTo("bad_signature");
        // A SHA-256 MAC in the header of a sha1 endpoint does not pass.
        String sha256 = HexFormat.of().formatHex(jdkMac("HmacSHA256", secret, body));
        assertThat(SignatureVerifier.verify(sha1, List.of(secret), headers("X-Signature", sha256), utf8(body),
                muchLater).ok()).isFalse();
        assertThat(SignatureVerifier.verify(sha1, List.of(secret), headers("X-Other", expected), utf8(body),
                muchLater).code()).isEqualTo("missing_credentials");
    }

    // ---- properties: a correct signature verifies; any changed byte, wrong secret or stale time does not

    @Provide
    Arbitrary<AuthType> signingTypes() {
        return Arbitraries.of(AuthType.HMAC, AuthType.GITHUB, AuthType.STRIPE, AuthType.SLACK,
                AuthType.STANDARD_WEBHOOKS, AuthType.SHOPIFY);
    }

    static AuthSpec spec(AuthType type) {
        return type == AuthType.HMAC
                ? new AuthSpec(type, "sha512", "X-Signature", "base64", "v1=", "X-Timestamp", "{timestamp}:{body}",
                        null, null)
                : AuthSpec.of(type);
    }

    /** Signs the way each provider (or a generic sender) does. */
    static UnaryOperator<String> sign(AuthType type, String secret, byte[] body, long ts) {
        switch (type) {
            case HMAC -> {
                byte[] content = concat(utf8(ts + ":"), body);
                return headers("X-Signature", "v1=" + Base64.getEncoder().encodeToString(
                        SignatureVerifier.mac("HmacSHA512", utf8(secret), content)), "X-Timestamp", Long.toString(ts));
            }
            case GITHUB -> {
                return headers("X-Hub-Signature-256",
                        "sha256=" + HexFormat.of().formatHex(SignatureVerifier.mac("HmacSHA256", utf8(secret), body)));
            }
            case STRIPE -> {
                byte[] content = concat(utf8(ts + "."), body);
                return headers("Stripe-Signature", "t=" + ts + ",v1="
                        + HexFormat.of().formatHex(SignatureVerifier.mac("HmacSHA256", utf8(secret), content)));
            }
            case SLACK -> {
                byte[] content = concat(utf8("v0:" + ts + ":"), body);
                return headers("X-Slack-Request-Timestamp", Long.toString(ts), "X-Slack-Signature",
                        "v0=" + HexFormat.of().formatHex(SignatureVerifier.mac("HmacSHA256", utf8(secret), content)));
            }
            case STANDARD_WEBHOOKS -> {
                byte[] content = concat(utf8("msg_1." + ts + "."), body);
                return headers("webhook-id", "msg_1", "webhook-timestamp", Long.toString(ts), "webhook-signature",
                        "v1," + Base64.getEncoder().encodeToString(SignatureVerifier.mac("HmacSHA256",
                                SignatureVerifier.standardWebhooksKey(secret), content)));
            }
            case SHOPIFY -> {
                return headers("X-Shopify-Hmac-Sha256",
                        Base64.getEncoder().encodeToString(SignatureVerifier.mac("HmacSHA256", utf8(secret), body)));
            }
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    static String secretFor(AuthType type, String raw) {
        return type == AuthType.STANDARD_WEBHOOKS ? "whsec_" + Base64.getEncoder().encodeToString(utf8(raw)) : raw;
    }

    @Property(tries = 300)
    void aCorrectSignatureVerifies(@ForAll("signingTypes") AuthType type, @ForAll @Size(max = 2048) byte[] body,
            @ForAll("secrets") String raw) {
        String secret = secretFor(type, raw);
        long ts = 1_700_000_000L;
        Verification v = SignatureVerifier.verify(spec(type), List.of(secret), sign(type, secret, body, ts), body,
                Instant.ofEpochSecond(ts + 30));
        assertThat(v.ok()).as(v.detail()).isTrue();
    }

    @Property(tries = 300)
    void oneChangedByteIsRejected(@ForAll("signingTypes") AuthType type, @ForAll @Size(min = 1, max = 2048) byte[] body,
            @ForAll("secrets") String raw, @ForAll @IntRange(min = 0, max = 2047) int position,
            @ForAll @IntRange(min = 1, max = 255) int flip) {
        String secret = secretFor(type, raw);
        long ts = 1_700_000_000L;
        UnaryOperator<String> signed = sign(type, secret, body, ts);
        byte[] tampered = body.clone();
        tampered[position % body.length] ^= (byte) flip;
        Verification v = SignatureVerifier.verify(spec(type), List.of(secret), signed, tampered,
                Instant.ofEpochSecond(ts + 30));
        assertThat(v.ok()).isFalse();
        assertThat(v.status()).isEqualTo(403);
    }

    @Property(tries = 200)
    void aWrongSecretIsRejectedAndTheOldSecretStillVerifiesDuringRotation(@ForAll("signingTypes") AuthType type,
            @ForAll @Size(max = 512) byte[] body, @ForAll("secrets") String rawOld, @ForAll("secrets") String rawNew) {
        net.jqwik.api.Assume.that(!rawOld.equals(rawNew));
        String oldSecret = secretFor(type, rawOld);
        String newSecret = secretFor(type, rawNew);
        long ts = 1_700_000_000L;
        Instant now = Instant.ofEpochSecond(ts + 1);
        UnaryOperator<String> signedWithOld = sign(type, oldSecret, body, ts);
        assertThat(SignatureVerifier.verify(spec(type), List.of(newSecret), signedWithOld, body, now).ok()).isFalse();
        assertThat(SignatureVerifier.verify(spec(type), List.of(newSecret, oldSecret), signedWithOld, body, now).ok())
                .isTrue();
    }

    @Property(tries = 100)
    void timestampsOutsideTheToleranceAreRejected(@ForAll("timedTypes") AuthType type,
            @ForAll @IntRange(min = 301, max = 1_000_000) int skew, @ForAll boolean future) {
        String secret = secretFor(type, "s3cret");
        byte[] body = utf8("{\"a\":1}");
        long ts = 1_700_000_000L;
        Instant now = Instant.ofEpochSecond(future ? ts - skew : ts + skew);
        Verification v = SignatureVerifier.verify(spec(type), List.of(secret), sign(type, secret, body, ts), body, now);
        assertThat(v.ok()).isFalse();
        assertThat(v.code()).isEqualTo("timestamp_outside_tolerance");
        assertThat(v.status()).isEqualTo(403);
        // ... and inside the tolerance they pass.
        assertThat(SignatureVerifier.verify(spec(type), List.of(secret), sign(type, secret, body, ts), body,
                Instant.ofEpochSecond(ts + 299)).ok()).isTrue();
    }

    @Provide
    Arbitrary<AuthType> timedTypes() {
        return Arbitraries.of(AuthType.HMAC, AuthType.STRIPE, AuthType.SLACK, AuthType.STANDARD_WEBHOOKS);
    }

    @Provide
    Arbitrary<String> secrets() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(8).ofMaxLength(48);
    }

    // ---- tokens and missing credentials

    @Example
    void bearerAndBasicCompareTheWholeCredential() {
        AuthSpec bearer = AuthSpec.of(AuthType.BEARER);
        assertThat(SignatureVerifier.verify(bearer, List.of("tok"), headers("Authorization", "Bearer tok"),
                new byte[0], Instant.now()).ok()).isTrue();
        Verification wrong = SignatureVerifier.verify(bearer, List.of("tok"), headers("Authorization", "Bearer to"),
                new byte[0], Instant.now());
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("invalid_credentials");
        Verification missing = SignatureVerifier.verify(bearer, List.of("tok"), headers(), new byte[0], Instant.now());
        assertThat(missing.code()).isEqualTo("missing_credentials");

        AuthSpec basic = new AuthSpec(AuthType.BASIC, null, null, null, null, null, null, null, "hook");
        String good = Base64.getEncoder().encodeToString(utf8("hook:pw"));
        String bad = Base64.getEncoder().encodeToString(utf8("other:pw"));
        assertThat(SignatureVerifier.verify(basic, List.of("pw"), headers("Authorization", "Basic " + good),
                new byte[0], Instant.now()).ok()).isTrue();
        assertThat(SignatureVerifier.verify(basic, List.of("pw"), headers("Authorization", "Basic " + bad),
                new byte[0], Instant.now()).status()).isEqualTo(401);
    }

    @Example
    void aMissingSignatureIs401AndAMalformedOneIs403() {
        assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.GITHUB), List.of("s"), headers(), new byte[0],
                Instant.now()).status()).isEqualTo(401);
        assertThat(SignatureVerifier.verify(AuthSpec.of(AuthType.GITHUB), List.of("s"),
                headers("X-Hub-Signature-256", "sha256=zz"), new byte[0], Instant.now()).status()).isEqualTo(403);
        assertThat(SignatureVerifier.fresh("abc", Duration.ofMinutes(5), Instant.now()).status()).isEqualTo(403);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
