package io.agenttriggers.queue.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.queue.config.SourceSpec.Format;
import io.agenttriggers.queue.config.SourceSpec.ParseErrorPolicy;
import io.agenttriggers.queue.config.SourceSpec.StartOffset;
import io.agenttriggers.queue.config.SourceSpec.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceCatalogTest {

    static final String P = SourceCatalog.PREFIX;
    static final OutboundUrlPolicy URLS = OutboundUrlPolicy.of(List.of(), 2048);

    static Map<String, String> props(String... keysAndValues) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void readsKebabCaseKeysWithNestedRulesListsAndKafkaProperties() {
        var loaded = SourceCatalog.load(props(
                P + "team-events.type", "kafka",
                P + "team-events.kafka.topic", "team.events",
                P + "team-events.kafka.start-offset", "earliest",
                P + "team-events.kafka.properties.sasl.jaas.config", "secret-jaas",
                P + "team-events.event-name.json-path", "$.type",
                P + "team-events.tenant-id.header", "tenant",
                P + "team-events.tenant-id.default", "demo",
                P + "team-events.headers", "tenant, trace-id",
                P + "team-events.concurrency", "3",
                P + "team-events.retry.max-backoff", "PT10S"), null, k -> null, URLS);

        assertThat(loaded.errors()).isEmpty();
        SourceSpec s = loaded.sources().get(0);
        assertThat(s.name()).isEqualTo("team-events");
        assertThat(s.type()).isEqualTo(Type.KAFKA);
        assertThat(s.kafka().topic()).isEqualTo("team.events");
        assertThat(s.kafka().startOffset()).isEqualTo(StartOffset.EARLIEST);
        assertThat(s.kafka().properties().get("sasl.jaas.config").reveal()).isEqualTo("secret-jaas");
        assertThat(s.eventName()).isEqualTo(Extraction.ofJsonPath("$.type", null));
        assertThat(s.tenantId()).isEqualTo(Extraction.ofHeader("tenant", "demo"));
        assertThat(s.headersOrDefault()).containsExactly("tenant", "trace-id");
        assertThat(s.concurrencyOrDefault()).isEqualTo(3);
        assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.formatOrDefault()).isEqualTo(Format.JSON);
        assertThat(s.onParseErrorOrDefault()).isEqualTo(ParseErrorPolicy.DEAD_LETTER);
        assertThat(s.deadLetterOrDefault()).isEqualTo("team.events.dead-letter");
        assertThat(s.toString()).doesNotContain("secret-jaas");
    }

    @Test
    void readsTheYamlFileWithPlaceholdersAndAStaticStringAsAValue() {
        String yaml = """
                sources:
                  - name: support-mail
                    type: imap
                    imap: {host: imap.example.com, username: bot, password: "${MAIL_PASSWORD}", afterPublish: move, moveTo: Done}
                    eventName: email.received
                    tenantId: acme
                  - name: orders
                    type: amqp
                    amqp: {address: orders, prefetch: 50}
                    format: text
                    eventName: order.text
                    tenantId: {header: tenant}
                    onParseError: requeue
                """;
        var loaded = SourceCatalog.load(Map.of(), yaml, k -> k.equals("MAIL_PASSWORD") ? "s3cret" : null, URLS);

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.sources()).extracting(SourceSpec::name).containsExactly("support-mail", "orders");
        SourceSpec mail = loaded.sources().get(0);
        assertThat(mail.imap().password().reveal()).isEqualTo("s3cret");
        assertThat(mail.eventName()).isEqualTo(Extraction.ofValue("email.received"));
        assertThat(mail.deadLetterOrDefault()).isEqualTo("Dead-Letter");
        assertThat(loaded.sources().get(1).onParseErrorOrDefault()).isEqualTo(ParseErrorPolicy.REQUEUE);
        assertThat(loaded.sources().get(1).deadLetterOrDefault()).isEqualTo("orders.dead-letter");
    }

    @Test
    void everyMistakeIsNamedBySourceAndField() {
        var loaded = SourceCatalog.load(props(
                P + "a.type", "kafka",
                P + "a.kafka.topic", "t",
                P + "a.kafka.topic-pattern", "t.*",
                P + "a.event-name.json-path", "$.[",
                P + "a.concurrency", "0",
                P + "b.type", "sqs",
                P + "b.sqs.queue-url", "http://q",
                P + "b.event-name", "x",
                P + "b.tenant-id.header", "tenant",
                P + "b.format", "text",
                P + "b.dedup-key.json-path", "$.id"), null, k -> null, URLS);

        assertThat(loaded.errors()).contains(
                "source a: kafka needs exactly one of topic, topicPattern",
                "source a: concurrency must be between 1 and 64",
                "source a: tenantId is required (a value, a header or a jsonPath)",
                "source b: dedupKey.jsonPath needs format json",
                "source b: deadLetter (a queue URL) is required when onParseError is dead-letter");
        assertThat(loaded.errors()).anyMatch(e -> e.startsWith("source a: eventName.jsonPath is not a valid JSONPath"));
    }

    @Test
    void wrongTypesAndUnknownFieldsAreErrorsThatDoNotQuoteTheValue() {
        var loaded = SourceCatalog.load(props(
                P + "a.type", "kafka",
                P + "a.kafka.topic", "t",
                P + "a.concurrency", "many-secret-words",
                P + "a.event-name", "x",
                P + "a.tenant-id", "y"), null, k -> null, URLS);
        assertThat(loaded.errors()).hasSize(1);
        assertThat(loaded.errors().get(0)).startsWith("source a: ").doesNotContain("many-secret-words");

        var unknown = SourceCatalog.load(Map.of(P + "a.type", "kafka", P + "a.kafka.topik", "t"), null, k -> null, URLS);
        assertThat(unknown.errors()).singleElement().asString().startsWith("source a: ").contains("topik");
    }

    @Test
    void duplicateNamesAcrossConfigAndFileAreRefused() {
        var loaded = SourceCatalog.load(props(
                P + "dup.type", "amqp", P + "dup.amqp.address", "q", P + "dup.event-name", "e",
                P + "dup.tenant-id", "t"), """
                sources:
                  - {name: dup, type: amqp, amqp: {address: q2}, eventName: e, tenantId: t}
                """, k -> null, URLS);
        assertThat(loaded.errors()).contains("source dup: declared twice");
    }

    @Test
    void aFallbackUrlMustPassTheOutboundPolicy() {
        String[] source = { P + "a.type", "amqp", P + "a.amqp.address", "q", P + "a.event-name", "e",
            P + "a.tenant-id", "t", P + "a.options.fallback.url", "http://169.254.169.254/latest/meta-data" };
        assertThat(SourceCatalog.load(props(source), null, k -> null, URLS).errors()).singleElement().asString()
                .startsWith("source a: options.fallback.url points at 169.254.169.254, a link-local address")
                .endsWith("unless triggers.outbound.allow lists them");
        OutboundUrlPolicy allowing = OutboundUrlPolicy.of(List.of("169.254.0.0/16"), 2048);
        assertThat(SourceCatalog.load(props(source), null, k -> null, allowing).errors()).isEmpty();
    }

    @Test
    void namesAreDnsLabels() {
        assertThat(SourceValidator.validate(new SourceSpec("Bad_Name", Type.AMQP, null, null,
                Extraction.ofValue("e"), Extraction.ofValue("t"), null, null, null, null, null, null, null, null,
                null, null, new SourceSpec.Amqp("q", null, null, null, null, null, null), null, null, null, null), URLS))
                .containsExactly("source Bad_Name: name must be 1-63 lowercase letters, digits or '-', starting "
                        + "with a letter or digit");
        assertThat(List.of("a", "team-events", "x1")).allMatch(n -> SourceValidator.NAME.matcher(n).matches());
    }
}
