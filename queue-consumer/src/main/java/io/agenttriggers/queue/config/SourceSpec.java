package io.agenttriggers.queue.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agenttriggers.common.event.DispatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One source as declared (application config under {@code triggers.queue.sources.<name>.*}, or an entry of
 * the sources file, or a trigger of a workflow deployment, which sets {@code workflowId}). Fields are nullable as
 * written; the {@code *OrDefault} accessors give the effective values and
 * {@link SourceValidator} says what is wrong. Credentials are {@link Secret}s, so {@code toString()} never shows them.
 */
public record SourceSpec(
        String name,
        Type type,
        Boolean enabled,
        Format format,
        Extraction eventName,
        Extraction tenantId,
        Extraction dedupKey,
        Extraction focus,
        List<String> headers,
        Integer concurrency,
        DispatchOptions options,
        ParseErrorPolicy onParseError,
        String deadLetter,
        Retry retry,
        Integer maxMessageBytes,
        Kafka kafka,
        Amqp amqp,
        Sqs sqs,
        Imap imap,
        String workflowId,
        Rabbitmq rabbitmq) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    public static final int MAX_MESSAGE_BYTES_LIMIT = 16 * 1024 * 1024;
    public static final int MAX_CONCURRENCY = 64;

    public enum Type {
        @JsonProperty("kafka") KAFKA,
        @JsonProperty("amqp") AMQP,
        @JsonProperty("rabbitmq") RABBITMQ,
        @JsonProperty("sqs") SQS,
        @JsonProperty("imap") IMAP
    }

    public enum Format {
        @JsonProperty("json") JSON,
        @JsonProperty("text") TEXT,
        @JsonProperty("binary") BINARY
    }

    /** What happens to a message that cannot become an event. */
    public enum ParseErrorPolicy {
        @JsonProperty("dead-letter") DEAD_LETTER,
        @JsonProperty("ack") ACK,
        @JsonProperty("requeue") REQUEUE
    }

    public enum StartOffset {
        @JsonProperty("earliest") EARLIEST,
        @JsonProperty("latest") LATEST
    }

    public enum AfterPublish {
        @JsonProperty("mark-read") MARK_READ,
        @JsonProperty("move") MOVE
    }

    /** Backoff between attempts to publish an event while Kafka refuses it: doubles from initial up to max. */
    public record Retry(Duration initialBackoff, Duration maxBackoff) {
    }

    /** A Kafka topic (or pattern) read by a consumer group; {@code properties} are passed to the consumer as-is. */
    public record Kafka(String topic, String topicPattern, String groupId, StartOffset startOffset,
            String bootstrapServers, Integer maxPollRecords, Map<String, Secret> properties) {
    }

    /** An AMQP 1.0 address (a RabbitMQ queue); connection settings default to the service's {@code amqp-*} keys. */
    public record Amqp(String address, String host, Integer port, String username, Secret password, Boolean tls,
            Integer prefetch) {
    }

    /**
     * A RabbitMQ queue over AMQP 0-9-1, the protocol of almost every RabbitMQ client; connection settings default to
     * the service's {@code amqp-*} keys. {@code declare} declares the queue (and its exchange, bindings and dead-letter
     * exchange) if they do not exist; without it the queue must exist. {@code deadLetterExchange} names a DLX the
     * queue already has (by policy or argument): parse failures are then rejected into it.
     */
    public record Rabbitmq(String queue, String host, Integer port, String virtualHost, String username,
            Secret password, Boolean tls, Integer prefetch, Declare declare, String deadLetterExchange) {

        /** The exchange that dead-letters the queue's rejected messages, if any is known. */
        public String deadLetterExchangeOrNull() {
            if (deadLetterExchange != null && !deadLetterExchange.isBlank()) {
                return deadLetterExchange;
            }
            return declare == null ? null : declare.deadLetterExchange();
        }
    }

    /** What a rabbitmq source declares at connect; every declaration is durable and idempotent. */
    public record Declare(String exchange, ExchangeType exchangeType, List<String> routingKeys, QueueType queueType,
            String deadLetterExchange) {

        public ExchangeType exchangeTypeOrDefault() {
            return exchangeType == null ? ExchangeType.TOPIC : exchangeType;
        }

        public QueueType queueTypeOrDefault() {
            return queueType == null ? QueueType.QUORUM : queueType;
        }

        /** The bindings of the queue to the exchange: {@code #} for a topic exchange, "" otherwise. */
        public List<String> routingKeysOrDefault() {
            if (routingKeys != null && !routingKeys.isEmpty()) {
                return routingKeys;
            }
            return List.of(exchangeTypeOrDefault() == ExchangeType.TOPIC ? "#" : "");
        }
    }

    public enum ExchangeType {
        @JsonProperty("direct") DIRECT,
        @JsonProperty("topic") TOPIC,
        @JsonProperty("fanout") FANOUT,
        @JsonProperty("headers") HEADERS
    }

    public enum QueueType {
        @JsonProperty("quorum") QUORUM,
        @JsonProperty("classic") CLASSIC
    }

    /** An SQS queue, long-polled. Without keys the AWS default credentials chain applies. */
    public record Sqs(String queueUrl, String region, String endpoint, String accessKeyId, Secret secretAccessKey,
            Duration waitTime, Duration visibilityTimeout, Integer maxMessages) {
    }

    /** An IMAP mailbox, polled for unread mail matching the filters. */
    public record Imap(String host, Integer port, Boolean ssl, String username, Secret password, String folder,
            Duration pollInterval, String from, String subject, Boolean hasAttachment, AfterPublish afterPublish,
            String moveTo, Integer maxMessagesPerPoll) {
    }

    public boolean enabledOrDefault() {
        return enabled == null || enabled;
    }

    public Format formatOrDefault() {
        return type == Type.IMAP ? Format.JSON : format == null ? Format.JSON : format;
    }

    public int concurrencyOrDefault() {
        return concurrency == null ? 1 : concurrency;
    }

    public ParseErrorPolicy onParseErrorOrDefault() {
        return onParseError == null ? ParseErrorPolicy.DEAD_LETTER : onParseError;
    }

    public int maxMessageBytesOrDefault() {
        return maxMessageBytes == null ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
    }

    public List<String> headersOrDefault() {
        return headers == null ? List.of() : headers;
    }

    public Duration initialBackoff() {
        return retry == null || retry.initialBackoff() == null ? Duration.ofMillis(200) : retry.initialBackoff();
    }

    public Duration maxBackoff() {
        return retry == null || retry.maxBackoff() == null ? Duration.ofSeconds(30) : retry.maxBackoff();
    }

    /**
     * Where dead letters go: the configured address, or for Kafka and AMQP the source's own name with
     * {@code .dead-letter} appended, for IMAP the folder {@code Dead-Letter}. SQS has no default (a queue URL).
     */
    public String deadLetterOrDefault() {
        if (deadLetter != null && !deadLetter.isBlank()) {
            return deadLetter;
        }
        return switch (type) {
            case KAFKA -> (kafka.topic() != null ? kafka.topic() : name) + ".dead-letter";
            case AMQP -> amqp.address() + ".dead-letter";
            case RABBITMQ -> rabbitmq.queue() + ".dead-letter";
            case IMAP -> "Dead-Letter";
            case SQS -> null;
        };
    }

    /** Whether a workflow deployment made it (its name is {@code tenant:workflow:trigger}), not configuration. */
    public boolean deployed() {
        return name != null && name.indexOf(':') >= 0;
    }

    /** The CloudEvent source of its events. */
    public String eventSource() {
        return "/queue/" + name;
    }
}
