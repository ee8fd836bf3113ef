package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An endpoint's authentication, without its secret (secrets are stored encrypted, apart from this).
 *
 * @param type            the scheme
 * @param algorithm       {@code hmac}: sha1, sha256 (default) or sha512
 * @param header          {@code hmac}: the header carrying the signature
 * @param encoding        {@code hmac}: hex (default) or base64
 * @param prefix          {@code hmac}: text before the signature in the header, e.g. {@code sha256=}
 * @param timestampHeader {@code hmac}: header with the signing time (seconds or milliseconds since the epoch)
 * @param signedContent   {@code hmac}: template of the signed bytes, {@code {body}} and {@code {timestamp}}
 *                        placeholders; default {@code {timestamp}.{body}} with a timestamp, else {@code {body}}
 * @param tolerance       how far a signed timestamp may be from now (default 5 minutes)
 * @param username        {@code basic}: the expected user name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthSpec(AuthType type, String algorithm, String header, String encoding, String prefix,
        String timestampHeader, String signedContent, Duration tolerance, String username) {

    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    private static final Set<String> ALGORITHMS = Set.of("sha1", "sha256", "sha512");
    private static final Set<String> ENCODINGS = Set.of("hex", "base64");

    public static AuthSpec of(AuthType type) {
        return new AuthSpec(type, null, null, null, null, null, null, null, null);
    }

    public Duration toleranceOrDefault() {
        return tolerance == null ? DEFAULT_TOLERANCE : tolerance;
    }

    public String algorithmOrDefault() {
        return algorithm == null ? "sha256" : algorithm.toLowerCase(Locale.ROOT);
    }

    public String encodingOrDefault() {
        return encoding == null ? "hex" : encoding.toLowerCase(Locale.ROOT);
    }

    public String signedContentOrDefault() {
        if (signedContent != null) {
            return signedContent;
        }
        return timestampHeader == null ? "{body}" : "{timestamp}.{body}";
    }

    /** What is wrong with this spec, as {@code auth.<field>: message} lines; empty when valid. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (type == null) {
            out.add("auth.type is required");
            return out;
        }
        if (tolerance != null && (tolerance.isNegative() || tolerance.isZero() || tolerance.toHours() > 24)) {
            out.add("auth.tolerance must be between PT1S and PT24H");
        }
        if (type == AuthType.HMAC) {
            if (header == null || header.isBlank()) {
                out.add("auth.header is required for hmac");
            }
            if (algorithm != null && !ALGORITHMS.contains(algorithm.toLowerCase(Locale.ROOT))) {
                out.add("auth.algorithm must be sha1, sha256 or sha512");
            }
            if (encoding != null && !ENCODINGS.contains(encoding.toLowerCase(Locale.ROOT))) {
                out.add("auth.encoding must be hex or base64");
            }
            if (!signedContentOrDefault().contains("{body}")) {
                out.add("auth.signedContent must contain {body}");
            }
            if (signedContent != null && signedContent.contains("{timestamp}") && timestampHeader == null) {
                out.add("auth.signedContent uses {timestamp} but auth.timestampHeader is not set");
            }
        } else if (algorithm != null || header != null || encoding != null || prefix != null
                || timestampHeader != null || signedContent != null) {
            out.add("auth.algorithm/header/encoding/prefix/timestampHeader/signedContent apply to type hmac only");
        }
        if (type == AuthType.BASIC && (username == null || username.isBlank())) {
            out.add("auth.username is required for basic");
        }
        if (type != AuthType.BASIC && username != null) {
            out.add("auth.username applies to type basic only");
        }
        return out;
    }
}
