package io.agenttriggers.webhook.domain;

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

    /** Keeps at most {@code max} bytes of the body. */
    public void body(byte[] raw, int max) {
        bodySize = raw.length;
        bodyTruncated = raw.length > max;
        body = bodyTruncated ? java.util.Arrays.copyOf(raw, max) : raw;
    }

    /** Headers with credentials and signatures redacted (and the endpoint's own signature header). */
    public static Map<String, String> redact(Map<String, String> headers, String extraSecretHeader) {
        Map<String, String> out = new TreeMap<>();
        String extra = extraSecretHeader == null ? null : extraSecretHeader.toLowerCase(Locale.ROOT);
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean secret = SECRET_HEADERS.contains(lower) || lower.equals(extra);
            for (String word : SECRET_WORDS) {
                secret |= lower.contains(word);
            }
            out.put(lower, secret ? "[redacted]" : value.length() > 1024 ? value.substring(0, 1024) : value);
        });
        return out;
    }
}
