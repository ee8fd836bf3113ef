package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One request as the event log keeps it. Filled in as the request goes through the gateway, written once it is
 * answered.
 */
public final class LoggedRequest {

    /** Header names whose values are never stored. */
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-hub-signature", "x-hub-signature-256", "stripe-signature", "x-slack-signature", "webhook-signature",
            "svix-signature", "x-shopify-hmac-sha256");
    private static final String[] SECRET_WORDS = { "token", "secret", "signature", "password", "api-key", "apikey" };

    public String id;
    public String endpointId;
    public String tenantId;
    public OffsetDateTime receivedAt;
    public String method;
    public String sourceIp;
    public String userAgent;
    public Map<String, String> headers = Map.of();
    public String contentType;
    public byte[] body;
    public int bodySize;
    public boolean bodyTruncated;
    public boolean verified;
    public int statusCode;
    public String outcome;
    public String errorCode;
    public String error;
    public String deliveryId;
    public String runId;
    public int durationMs;
    public String replayOf;
    private byte[] headersJson;

    /**
     * The headers as the log stores them, a JSON object in UTF-8, made once. The ingress path makes it while the
     * request is handled: encoded later from the batch, the maps and strings were no longer in the CPU's caches and
     * cost several times more.
     */
    public byte[] headersJson() {
        if (headersJson == null) {
            headersJson = json(headers).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return headersJson;
    }

    /** A map of strings as a JSON object, written directly (a map through an object mapper costs far more). */
    static String json(Map<String, String> values) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        StringBuilder out = new StringBuilder(64 * values.size() + 2).append('{');
        for (Map.Entry<String, String> value : values.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"');
            encoder.quoteAsString(withoutNul(value.getKey()), out);
            out.append("\":\"");
            encoder.quoteAsString(withoutNul(value.getValue()), out);
            out.append('"');
        }
        return out.append('}').toString();
    }

    /** PostgreSQL's jsonb refuses the escape of NUL, which would fail a whole batch: it becomes U+FFFD. */
    private static String withoutNul(String s) {
        return s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s;
    }

    /** Keeps at most {@code max} bytes of the body. */
    public void body(byte[] raw, int max) {
        bodySize = raw.length;
        bodyTruncated = raw.length > max;
        body = bodyTruncated ? java.util.Arrays.copyOf(raw, max) : raw;
    }

    /** Headers with credentials and signatures redacted (and the endpoint's own signature header). */
    public static Map<String, String> redact(Map<String, String> headers, String extraSecretHeader) {
        return redact(headers.entrySet(), extraSecretHeader);
    }

    /**
     * As above, from headers as they came (a name may repeat, in any case): the values of one name are joined with
     * {@code ", "}, as HTTP allows, under the lower-case name.
     */
    public static Map<String, String> redact(Iterable<Map.Entry<String, String>> headers, String extraSecretHeader) {
        Map<String, String> out = new TreeMap<>();
        String extra = extraSecretHeader == null ? null : extraSecretHeader.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> header : headers) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            boolean secret = SECRET_HEADERS.contains(lower) || lower.equals(extra);
            for (int i = 0; i < SECRET_WORDS.length && !secret; i++) {
                secret = lower.contains(SECRET_WORDS[i]);
            }
            if (secret) {
                out.put(lower, "[redacted]");
            } else {
                out.merge(lower, header.getValue(), (a, b) -> a + ", " + b);
            }
        }
        out.replaceAll((name, value) -> value.length() > 1024 ? value.substring(0, 1024) : value);
        return out;
    }
}
