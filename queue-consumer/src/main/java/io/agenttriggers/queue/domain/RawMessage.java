package io.agenttriggers.queue.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A message as a broker delivered it, before parsing.
 *
 * @param body       the bytes of the body
 * @param headers    the message's own headers (Kafka headers, AMQP application properties, SQS attributes, mail
 *                   headers); only allow-listed ones reach the event
 * @param messageId  the broker's identity of the message (topic/partition/offset, AMQP message-id, SQS MessageId,
 *                   mail Message-ID), the dedup key when the source configures none
 * @param receivedAt when this service received it
 * @param transport  where it came from (partition, offset, delivery count, ...), carried as {@code queue.*} headers
 */
public record RawMessage(byte[] body, Map<String, String> headers, String messageId, Instant receivedAt,
        Map<String, String> transport) {

    public RawMessage {
        body = body == null ? new byte[0] : body;
        headers = headers == null ? Map.of() : headers;
        transport = transport == null ? Map.of() : transport;
    }
}
