package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.webhook.domain.LoggedRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;

/**
 * A logged request. {@code body} is the body as UTF-8 text, or base64 when it is not text ({@code bodyEncoding});
 * lists leave the body out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(String id, String endpointId, String tenantId, OffsetDateTime receivedAt, String method,
        String sourceIp, String userAgent, Map<String, String> headers, String contentType, String body,
        String bodyEncoding, int bodySize, boolean bodyTruncated, boolean verified, int statusCode, String outcome,
        String errorCode, String error, String deliveryId, String runId, int durationMs, String replayOf,
        boolean replayable) {

    public static EventView of(LoggedRequest r) {
        String body = null;
        String encoding = null;
        if (r.body != null) {
            try {
                body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(r.body)).toString();
                encoding = "utf-8";
            } catch (CharacterCodingException e) {
                body = Base64.getEncoder().encodeToString(r.body);
                encoding = "base64";
            }
        }
        return new EventView(r.id, r.endpointId, r.tenantId, r.receivedAt, r.method, r.sourceIp, r.userAgent,
                r.headers, r.contentType, body, encoding, r.bodySize, r.bodyTruncated, r.verified, r.statusCode,
                r.outcome, r.errorCode, r.error, r.deliveryId, r.runId, r.durationMs, r.replayOf, replayable(r));
    }

    /** Only deliveries that passed verification, with their whole body logged, can be replayed. */
    static boolean replayable(LoggedRequest r) {
        return r.verified && !r.bodyTruncated && !"handshake".equals(r.outcome);
    }
}
