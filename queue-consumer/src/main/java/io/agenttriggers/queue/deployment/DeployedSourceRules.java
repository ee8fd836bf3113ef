package io.agenttriggers.queue.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.queue.config.QueueConsumerConfig;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.config.SourceValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a deployed source may be, beyond what every source must be ({@link SourceValidator}): a tenant's document must
 * not cost another tenant anything or reach what is not its own. So it reads only the service's Kafka cluster and
 * AMQP broker, and there only topics and addresses with its prefix (never internal ones); its events are its own
 * tenant's; mailboxes and SQS queues are on hosts the outbound policy lets through; credentials are references to
 * the tenant's secrets; concurrency and sizes stay small.
 */
final class DeployedSourceRules {

    /** Topics and addresses no deployment reads or writes, whatever the prefix. */
    private static final List<String> INTERNAL_PREFIXES = List.of("__", "_", "triggers.", "amq.", "connect-");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Set<String> FORBIDDEN_KAFKA = Set.of("topicPattern", "groupId", "bootstrapServers",
            "properties");
    private static final Set<String> FORBIDDEN_AMQP = Set.of("host", "port", "username", "password", "tls");
    private static final Set<String> FORBIDDEN_RABBITMQ = Set.of("host", "port", "virtualHost", "username",
            "password", "tls");
    private static final int MAX_POLL_RECORDS = 500;
    private static final int MAX_PREFETCH = 100;
    private static final int MAX_MAILS_PER_POLL = 100;

    private final QueueConsumerConfig config;
    private final OutboundUrlPolicy urls;
    private final TenantSecrets secrets;

    DeployedSourceRules(QueueConsumerConfig config, OutboundUrlPolicy urls, TenantSecrets secrets) {
        this.config = config;
        this.urls = urls;
        this.secrets = secrets;
    }

    /** The prefix the tenant's topics and addresses must have ("" when the installation set {@code none}). */
    String prefix(String tenantId) {
        String template = config.deployments().addressPrefix();
        return "none".equals(template) ? "" : template.replace("{tenant}", tenantId);
    }

    /** Every problem of one trigger, as {@code at.field}; {@code spec} carries its tenant and workflow already. */
    List<FieldError> check(String at, String tenantId, ObjectNode spec) {
        List<FieldError> e = new ArrayList<>();
        SourceSpec s;
        try {
            // The name is the trigger's; the runner's (tenant:workflow:trigger) is checked by construction.
            ObjectNode named = spec.deepCopy().put("name", "deployed");
            s = DeclarativeFiles.YAML.treeToValue(named, SourceSpec.class);
        } catch (IOException | IllegalArgumentException ex) {
            e.add(new FieldError(at, firstLine(ex.getMessage())));
            return e;
        }
        for (String problem : SourceValidator.validate(s, urls)) {
            e.add(new FieldError(at, problem.replaceFirst("^source deployed: ", "")));
        }
        if (!e.isEmpty() || s.type() == null) {
            return e;
        }
        String prefix = prefix(tenantId);
        if (s.concurrency() != null && s.concurrency() > config.deployments().maxConcurrency()) {
            e.add(new FieldError(at + ".concurrency", "at most " + config.deployments().maxConcurrency()
                    + " for a deployed source"));
        }
        if (s.maxMessageBytes() != null && s.maxMessageBytes() > SourceSpec.DEFAULT_MAX_MESSAGE_BYTES) {
            e.add(new FieldError(at + ".maxMessageBytes", "at most " + SourceSpec.DEFAULT_MAX_MESSAGE_BYTES
                    + " for a deployed source"));
        }
        JsonNode block = spec.path(s.type().name().toLowerCase());
        switch (s.type()) {
            case KAFKA -> {
                forbidden(e, at + ".kafka", block, FORBIDDEN_KAFKA, "a deployed source reads the service's own "
                        + "Kafka cluster, with a consumer group of its own");
                if (s.kafka().topic() == null) {
                    e.add(new FieldError(at + ".kafka.topic", "is required (patterns could match other tenants' "
                            + "topics)"));
                } else {
                    address(e, at + ".kafka.topic", s.kafka().topic(), prefix);
                }
                if (s.kafka().maxPollRecords() != null && s.kafka().maxPollRecords() > MAX_POLL_RECORDS) {
                    e.add(new FieldError(at + ".kafka.maxPollRecords", "at most " + MAX_POLL_RECORDS));
                }
                deadLetter(e, at, s, prefix);
            }
            case AMQP -> {
                forbidden(e, at + ".amqp", block, FORBIDDEN_AMQP, "a deployed source reads the service's own AMQP "
                        + "broker");
                address(e, at + ".amqp.address", s.amqp().address(), prefix);
                if (s.amqp().prefetch() != null && s.amqp().prefetch() > MAX_PREFETCH) {
                    e.add(new FieldError(at + ".amqp.prefetch", "at most " + MAX_PREFETCH));
                }
                deadLetter(e, at, s, prefix);
            }
            case RABBITMQ -> {
                forbidden(e, at + ".rabbitmq", block, FORBIDDEN_RABBITMQ, "a deployed source reads the service's "
                        + "own RabbitMQ broker");
                address(e, at + ".rabbitmq.queue", s.rabbitmq().queue(), prefix);
                if (s.rabbitmq().deadLetterExchange() != null) {
                    address(e, at + ".rabbitmq.deadLetterExchange", s.rabbitmq().deadLetterExchange(), prefix);
                }
                if (s.rabbitmq().declare() != null) {
                    if (s.rabbitmq().declare().exchange() != null) {
                        address(e, at + ".rabbitmq.declare.exchange", s.rabbitmq().declare().exchange(), prefix);
                    }
                    if (s.rabbitmq().declare().deadLetterExchange() != null) {
                        address(e, at + ".rabbitmq.declare.deadLetterExchange",
                                s.rabbitmq().declare().deadLetterExchange(), prefix);
                    }
                }
                if (s.rabbitmq().prefetch() != null && s.rabbitmq().prefetch() > MAX_PREFETCH) {
                    e.add(new FieldError(at + ".rabbitmq.prefetch", "at most " + MAX_PREFETCH));
                }
                deadLetter(e, at, s, prefix);
            }
            case SQS -> {
                urls.check(at + ".sqs.queueUrl", s.sqs().queueUrl(), e);
                if (s.sqs().endpoint() != null) {
                    urls.check(at + ".sqs.endpoint", s.sqs().endpoint(), e);
                }
                if (s.deadLetter() != null) {
                    urls.check(at + ".deadLetter", s.deadLetter(), e);
                }
                if (s.sqs().accessKeyId() == null) {
                    e.add(new FieldError(at + ".sqs.accessKeyId", "is required: a deployed source does not use the "
                            + "service's own AWS credentials"));
                }
                secret(e, at + ".sqs.secretAccessKey", tenantId, block.path("secretAccessKey"));
                if (s.sqs().maxMessages() != null && s.sqs().maxMessages() > 10) {
                    e.add(new FieldError(at + ".sqs.maxMessages", "at most 10"));
                }
            }
            case IMAP -> {
                String host = s.imap().host();
                if (host == null || !HOST.matcher(host).matches()) {
                    e.add(new FieldError(at + ".imap.host", "is required: a host name or IP address"));
                } else {
                    urls.check(at + ".imap.host", "https://" + host + "/", e);
                }
                if (s.imap().username() == null || s.imap().username().isBlank()) {
                    e.add(new FieldError(at + ".imap.username", "is required"));
                }
                secret(e, at + ".imap.password", tenantId, block.path("password"));
                if (s.imap().pollInterval() != null
                        && s.imap().pollInterval().compareTo(config.deployments().minPollInterval()) < 0) {
                    e.add(new FieldError(at + ".imap.pollInterval", "at least " + config.deployments()
                            .minPollInterval() + " for a deployed mailbox"));
                }
                if (s.imap().maxMessagesPerPoll() != null && s.imap().maxMessagesPerPoll() > MAX_MAILS_PER_POLL) {
                    e.add(new FieldError(at + ".imap.maxMessagesPerPoll", "at most " + MAX_MAILS_PER_POLL));
                }
            }
        }
        return e;
    }

    private static void forbidden(List<FieldError> e, String at, JsonNode block, Set<String> fields, String why) {
        fields.stream().sorted().filter(block::has).forEach(f -> e.add(new FieldError(at + "." + f,
                "is not taken by a deployed source: " + why)));
    }

    private void deadLetter(List<FieldError> e, String at, SourceSpec s, String prefix) {
        if (s.deadLetter() != null) {
            address(e, at + ".deadLetter", s.deadLetter(), prefix);
        }
    }

    /** A topic or address: the tenant's prefix, and never an internal one. */
    private void address(List<FieldError> e, String field, String name, String prefix) {
        if (name == null || name.isBlank()) {
            return;
        }
        if (Topics.ALL.contains(name) || name.equals(config.inboundTopic())
                || INTERNAL_PREFIXES.stream().anyMatch(name::startsWith)) {
            e.add(new FieldError(field, "is internal to the system; a deployment cannot read or write it"));
        } else if (!name.startsWith(prefix) || name.length() == prefix.length()) {
            e.add(new FieldError(field, "must start with " + prefix + " (a deployment reads its own tenant's topics "
                    + "and queues only)"));
        }
    }

    /** A credential: {@code secret:<name>} of a secret the tenant has. */
    private void secret(List<FieldError> e, String field, String tenantId, JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            e.add(new FieldError(field, "is required: secret:<name>, one of the tenant's secrets"));
        } else if (TenantSecrets.name(value.asText()) == null) {
            e.add(new FieldError(field, "must be a reference, secret:<name> (letters, digits, '_' or '-'): a "
                    + "deployment never carries a credential itself"));
        } else if (secrets.resolve(tenantId, value.asText()).isEmpty()) {
            String name = TenantSecrets.name(value.asText());
            e.add(new FieldError(field, "names secret " + name + ", which tenant " + tenantId + " does not have (file "
                    + name + " in its secrets directory, or " + TenantSecrets.envName(tenantId, name) + ")"));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "is not a source";
        }
        String line = message.split("\n")[0];
        int quote = line.indexOf(" from String ");
        return quote > 0 ? line.substring(0, quote) : line;
    }
}
