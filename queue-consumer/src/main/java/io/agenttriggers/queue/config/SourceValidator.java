package io.agenttriggers.queue.config;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.outbound.RefusedUrlException;
import io.agenttriggers.queue.config.SourceSpec.AfterPublish;
import io.agenttriggers.queue.config.SourceSpec.Format;
import io.agenttriggers.queue.config.SourceSpec.ParseErrorPolicy;
import io.agenttriggers.queue.config.SourceSpec.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks declared sources; every message names the source and the field, and never quotes a credential. */
public final class SourceValidator {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private SourceValidator() {
    }

    /** All problems of all sources, including duplicate names; fallback URLs are held to {@code urls}. */
    public static List<String> validate(List<SourceSpec> sources, OutboundUrlPolicy urls) {
        List<String> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (SourceSpec s : sources) {
            if (s.name() != null && !names.add(s.name())) {
                errors.add("source " + s.name() + ": declared twice");
            }
            errors.addAll(validate(s, urls));
        }
        return errors;
    }

    public static List<String> validate(SourceSpec s, OutboundUrlPolicy urls) {
        List<String> e = new ArrayList<>();
        String at = "source " + (s.name() == null ? "(unnamed)" : s.name()) + ": ";
        if (s.name() == null || !NAME.matcher(s.name()).matches()) {
            e.add(at + "name must be 1-63 lowercase letters, digits or '-', starting with a letter or digit");
        }
        if (s.type() == null) {
            e.add(at + "type is required (kafka, amqp, rabbitmq, sqs or imap)");
            return e;
        }
        int blocks = (s.kafka() != null ? 1 : 0) + (s.amqp() != null ? 1 : 0) + (s.sqs() != null ? 1 : 0)
                + (s.imap() != null ? 1 : 0) + (s.rabbitmq() != null ? 1 : 0);
        String block = s.type().name().toLowerCase();
        boolean hasOwn = switch (s.type()) {
            case KAFKA -> s.kafka() != null;
            case AMQP -> s.amqp() != null;
            case RABBITMQ -> s.rabbitmq() != null;
            case SQS -> s.sqs() != null;
            case IMAP -> s.imap() != null;
        };
        if (!hasOwn) {
            e.add(at + "a '" + block + "' block is required for type " + block);
            return e;
        }
        if (blocks > 1) {
            e.add(at + "only the '" + block + "' block belongs to a " + block + " source");
        }
        if (s.type() == Type.IMAP && s.format() != null && s.format() != Format.JSON) {
            e.add(at + "format: an imap source always reads mail as json");
        }
        extraction(e, at, "eventName", s.eventName(), true, s);
        extraction(e, at, "tenantId", s.tenantId(), true, s);
        extraction(e, at, "dedupKey", s.dedupKey(), false, s);
        extraction(e, at, "focus", s.focus(), false, s);
        if (s.concurrency() != null && (s.concurrency() < 1 || s.concurrency() > SourceSpec.MAX_CONCURRENCY)) {
            e.add(at + "concurrency must be between 1 and " + SourceSpec.MAX_CONCURRENCY);
        }
        if (s.maxMessageBytes() != null
                && (s.maxMessageBytes() < 1 || s.maxMessageBytes() > SourceSpec.MAX_MESSAGE_BYTES_LIMIT)) {
            e.add(at + "maxMessageBytes must be between 1 and " + SourceSpec.MAX_MESSAGE_BYTES_LIMIT);
        }
        if (s.headers() != null) {
            if (s.headers().size() > 64) {
                e.add(at + "headers: at most 64 names");
            }
            s.headers().stream().filter(h -> h == null || h.isBlank()).findAny()
                    .ifPresent(h -> e.add(at + "headers: a name is blank"));
        }
        if (s.retry() != null) {
            positive(e, at, "retry.initialBackoff", s.retry().initialBackoff());
            positive(e, at, "retry.maxBackoff", s.retry().maxBackoff());
            if (s.retry().initialBackoff() != null && s.retry().maxBackoff() != null
                    && s.retry().initialBackoff().compareTo(s.retry().maxBackoff()) > 0) {
                e.add(at + "retry.initialBackoff is longer than retry.maxBackoff");
            }
        }
        if (s.onParseErrorOrDefault() == ParseErrorPolicy.DEAD_LETTER && s.type() == Type.SQS
                && (s.deadLetter() == null || s.deadLetter().isBlank())) {
            e.add(at + "deadLetter (a queue URL) is required when onParseError is dead-letter");
        }
        if (s.options() != null && s.options().fallback() != null) {
            try {
                urls.check(s.options().fallback().url());
            } catch (RefusedUrlException ex) {
                e.add(at + "options.fallback.url " + ex.getMessage());
            }
        }
        switch (s.type()) {
            case KAFKA -> kafka(e, at, s.kafka());
            case AMQP -> amqp(e, at, s.amqp());
            case RABBITMQ -> rabbitmq(e, at, s.rabbitmq());
            case SQS -> sqs(e, at, s.sqs());
            case IMAP -> imap(e, at, s.imap());
        }
        return e;
    }

    private static void extraction(List<String> e, String at, String field, Extraction x, boolean required,
            SourceSpec s) {
        if (x == null) {
            if (required) {
                e.add(at + field + " is required (a value, a header or a jsonPath)");
            }
            return;
        }
        int set = (x.value() != null ? 1 : 0) + (x.header() != null ? 1 : 0) + (x.jsonPath() != null ? 1 : 0);
        if (set != 1) {
            e.add(at + field + " needs exactly one of value, header, jsonPath");
            return;
        }
        if (x.value() != null && x.value().isBlank()) {
            e.add(at + field + ".value is blank");
        }
        if (x.header() != null && x.header().isBlank()) {
            e.add(at + field + ".header is blank");
        }
        if (x.jsonPath() != null) {
            if (s.formatOrDefault() != Format.JSON) {
                e.add(at + field + ".jsonPath needs format json");
            }
            try {
                JsonPath.compile(x.jsonPath());
            } catch (InvalidPathException | IllegalArgumentException ex) {
                e.add(at + field + ".jsonPath is not a valid JSONPath: " + ex.getMessage());
            }
        }
    }

    private static void kafka(List<String> e, String at, SourceSpec.Kafka k) {
        boolean topic = k.topic() != null && !k.topic().isBlank();
        boolean pattern = k.topicPattern() != null && !k.topicPattern().isBlank();
        if (topic == pattern) {
            e.add(at + "kafka needs exactly one of topic, topicPattern");
        }
        if (pattern) {
            try {
                Pattern.compile(k.topicPattern());
            } catch (PatternSyntaxException ex) {
                e.add(at + "kafka.topicPattern is not a valid regular expression");
            }
        }
        if (k.maxPollRecords() != null && (k.maxPollRecords() < 1 || k.maxPollRecords() > 10_000)) {
            e.add(at + "kafka.maxPollRecords must be between 1 and 10000");
        }
        if (k.properties() != null) {
            for (String key : List.of("key.deserializer", "value.deserializer", "enable.auto.commit", "group.id")) {
                if (k.properties().containsKey(key)) {
                    e.add(at + "kafka.properties." + key + " is set by the consumer itself");
                }
            }
        }
    }

    private static void amqp(List<String> e, String at, SourceSpec.Amqp a) {
        if (a.address() == null || a.address().isBlank()) {
            e.add(at + "amqp.address is required");
        }
        if (a.port() != null && (a.port() < 1 || a.port() > 65535)) {
            e.add(at + "amqp.port must be between 1 and 65535");
        }
        if (a.prefetch() != null && (a.prefetch() < 1 || a.prefetch() > 10_000)) {
            e.add(at + "amqp.prefetch must be between 1 and 10000");
        }
    }

    private static void rabbitmq(List<String> e, String at, SourceSpec.Rabbitmq r) {
        if (r.queue() == null || r.queue().isBlank()) {
            e.add(at + "rabbitmq.queue is required");
        } else if (r.queue().length() > 255) {
            e.add(at + "rabbitmq.queue is longer than 255 characters");
        }
        if (r.port() != null && (r.port() < 1 || r.port() > 65535)) {
            e.add(at + "rabbitmq.port must be between 1 and 65535");
        }
        if (r.prefetch() != null && (r.prefetch() < 1 || r.prefetch() > 10_000)) {
            e.add(at + "rabbitmq.prefetch must be between 1 and 10000");
        }
        SourceSpec.Declare d = r.declare();
        if (d != null) {
            if (d.exchange() != null && d.exchange().startsWith("amq.")) {
                e.add(at + "rabbitmq.declare.exchange: amq.* exchanges are the broker's own");
            }
            if (d.routingKeys() != null && d.routingKeys().size() > 32) {
                e.add(at + "rabbitmq.declare.routingKeys: at most 32");
            }
            if ((d.exchange() == null || d.exchange().isBlank()) && d.routingKeys() != null
                    && !d.routingKeys().isEmpty()) {
                e.add(at + "rabbitmq.declare.routingKeys need an exchange to bind to");
            }
        }
    }

    private static void sqs(List<String> e, String at, SourceSpec.Sqs q) {
        if (q.queueUrl() == null || q.queueUrl().isBlank()) {
            e.add(at + "sqs.queueUrl is required");
        }
        if (q.waitTime() != null && (q.waitTime().isNegative() || q.waitTime().compareTo(Duration.ofSeconds(20)) > 0)) {
            e.add(at + "sqs.waitTime must be between PT0S and PT20S");
        }
        if (q.visibilityTimeout() != null && (q.visibilityTimeout().getSeconds() < 1
                || q.visibilityTimeout().compareTo(Duration.ofHours(12)) > 0)) {
            e.add(at + "sqs.visibilityTimeout must be between PT1S and PT12H");
        }
        if (q.maxMessages() != null && (q.maxMessages() < 1 || q.maxMessages() > 10)) {
            e.add(at + "sqs.maxMessages must be between 1 and 10");
        }
        if ((q.accessKeyId() == null) != (q.secretAccessKey() == null)) {
            e.add(at + "sqs.accessKeyId and sqs.secretAccessKey go together");
        }
    }

    private static void imap(List<String> e, String at, SourceSpec.Imap m) {
        if (m.host() == null || m.host().isBlank()) {
            e.add(at + "imap.host is required");
        }
        if (m.username() == null || m.username().isBlank()) {
            e.add(at + "imap.username is required");
        }
        if (m.password() == null) {
            e.add(at + "imap.password is required");
        }
        if (m.port() != null && (m.port() < 1 || m.port() > 65535)) {
            e.add(at + "imap.port must be between 1 and 65535");
        }
        positive(e, at, "imap.pollInterval", m.pollInterval());
        if (m.afterPublish() == AfterPublish.MOVE && (m.moveTo() == null || m.moveTo().isBlank())) {
            e.add(at + "imap.moveTo is required when afterPublish is move");
        }
        if (m.maxMessagesPerPoll() != null && (m.maxMessagesPerPoll() < 1 || m.maxMessagesPerPoll() > 1000)) {
            e.add(at + "imap.maxMessagesPerPoll must be between 1 and 1000");
        }
    }

    private static void positive(List<String> e, String at, String field, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            e.add(at + field + " must be positive");
        }
    }
}
