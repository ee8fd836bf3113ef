package io.agenttriggers.queue.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.queue.config.Extraction;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.config.SourceSpec.Format;
import io.agenttriggers.queue.config.SourceSpec.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The envelope of queue messages: seed properties 2 (envelope integrity), 3 (multi-format parsing), 5 (config). */
class EnvelopeBuilderTest {

    static SourceSpec spec(Format format, Extraction eventName, Extraction tenant, Extraction dedup,
            List<String> headers) {
        return new SourceSpec("team-events", Type.KAFKA, null, format, eventName, tenant, dedup, null, headers, null,
                null, null, null, null, null, new SourceSpec.Kafka("team.events", null, null, null, null, null, null),
                null, null, null, null, null);
    }

    static RawMessage message(byte[] body, Map<String, String> headers) {
        return new RawMessage(body, headers, "team.events/0/7", Instant.parse("2026-11-24T10:00:00.123Z"),
                Map.of("partition", "0", "offset", "7"));
    }

    /** Property 2: every field of the envelope comes from the message and the source, and survives the wire. */
    @Property(tries = 200)
    void envelopeCarriesEverythingAndRoundTripsThroughTheCloudEvent(
            @ForAll @AlphaChars @StringLength(min = 1, max = 40) String eventName,
            @ForAll @AlphaChars @StringLength(min = 1, max = 30) String tenant,
            @ForAll @NotBlank @StringLength(max = 60) String id,
            @ForAll @StringLength(max = 100) String text) throws Exception {
        // jqwik's @NotBlank trims only up to U+0020; the builder treats any Unicode space as missing.
        Assume.that(!id.isBlank());
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", eventName).put("id", id).put("text", text);
        EnvelopeBuilder builder = new EnvelopeBuilder(spec(Format.JSON, Extraction.ofJsonPath("$.type", null),
                Extraction.ofHeader("tenant", null), Extraction.ofJsonPath("$.id", null), List.of("tenant")));
        RawMessage raw = message(EventJson.MAPPER.writeValueAsBytes(body), Map.of("tenant", tenant, "secret", "x"));

        EnvelopeBuilder.Built built = builder.build(raw);
        TriggerEvent e = built.event();
        assertThat(built.dedupKeyExtracted()).isTrue();
        assertThat(e.type()).isEqualTo(TriggerType.QUEUE);
        assertThat(e.source()).isEqualTo("/queue/team-events");
        assertThat(e.eventName()).isEqualTo(eventName);
        assertThat(e.tenantId()).isEqualTo(tenant);
        assertThat(e.dedupKey()).isEqualTo(id.trim());
        assertThat(e.time().toInstant()).isEqualTo(raw.receivedAt().truncatedTo(ChronoUnit.MILLIS));
        assertThat(e.data().payload()).isEqualTo(body);
        assertThat(e.data().headers()).containsEntry("tenant", tenant).containsEntry("queue.offset", "7")
                .containsEntry("queue.messageId", "team.events/0/7").containsEntry("queue.source", "team-events")
                .doesNotContainKey("secret");
        assertThat(TriggerEventCodec.fromCloudEvent(TriggerEventCodec.toCloudEvent(e))).isEqualTo(e);
    }

    /** Property 3: text and binary bodies come back byte for byte from the payload. */
    @Property(tries = 300)
    void textAndBinaryBodiesRoundTrip(@ForAll byte[] bytes, @ForAll String text) throws Exception {
        EnvelopeBuilder binary = new EnvelopeBuilder(spec(Format.BINARY, Extraction.ofValue("blob"),
                Extraction.ofValue("acme"), null, null));
        JsonNode payload = binary.build(message(bytes, Map.of())).event().data().payload();
        assertThat(Base64.getDecoder().decode(payload.asText())).isEqualTo(bytes);

        EnvelopeBuilder textual = new EnvelopeBuilder(spec(Format.TEXT, Extraction.ofValue("line"),
                Extraction.ofValue("acme"), null, null));
        String wellFormed = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(textual.build(message(wellFormed.getBytes(StandardCharsets.UTF_8), Map.of())).event().data()
                .payload().asText()).isEqualTo(wellFormed);
    }

    /** Property 3: any JSON document comes back equal. */
    @Property(tries = 200)
    void jsonBodiesRoundTrip(@ForAll("documents") JsonNode doc) throws Exception {
        EnvelopeBuilder json = new EnvelopeBuilder(spec(Format.JSON, Extraction.ofValue("doc"),
                Extraction.ofValue("acme"), null, null));
        // Compared as text: a parsed small number is an int node where the generated one is a long node.
        assertThat(json.build(message(EventJson.MAPPER.writeValueAsBytes(doc), Map.of())).event().data().payload()
                .toString()).isEqualTo(doc.toString());
    }

    @Provide
    Arbitrary<JsonNode> documents() {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(JsonNodeFactory.instance::textNode),
                Arbitraries.longs().map(JsonNodeFactory.instance::numberNode),
                Arbitraries.of(true, false).map(JsonNodeFactory.instance::booleanNode));
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), leaf).ofMaxSize(6)
                .map(m -> {
                    ObjectNode o = JsonNodeFactory.instance.objectNode();
                    m.forEach(o::set);
                    return (JsonNode) o;
                });
    }

    /** Property 5: the configured rule decides: static value, header (any case) with default, JSONPath. */
    @Property(tries = 100)
    void extractionRulesApplyAsConfigured(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String value,
            @ForAll @AlphaChars @StringLength(min = 1, max = 20) String fallback) throws Exception {
        byte[] body = ("{\"nested\":{\"name\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8);
        assertThat(new EnvelopeBuilder(spec(Format.JSON, Extraction.ofValue(value), Extraction.ofValue("t"), null,
                null)).build(message(body, Map.of())).event().eventName()).isEqualTo(value);
        assertThat(new EnvelopeBuilder(spec(Format.JSON, Extraction.ofJsonPath("$.nested.name", null),
                Extraction.ofValue("t"), null, null)).build(message(body, Map.of())).event().eventName())
                .isEqualTo(value);
        assertThat(new EnvelopeBuilder(spec(Format.JSON, Extraction.ofValue("e"), Extraction.ofHeader("X-Tenant",
                fallback), null, null)).build(message(body, Map.of("x-tenant", value))).event().tenantId())
                .isEqualTo(value);
        assertThat(new EnvelopeBuilder(spec(Format.JSON, Extraction.ofValue("e"), Extraction.ofHeader("X-Tenant",
                fallback), null, null)).build(message(body, Map.of())).event().tenantId()).isEqualTo(fallback);
    }

    @Test
    void fullJsonPathsGoThroughTheJsonPathEngine() throws Exception {
        byte[] body = "{\"items\":[{\"sku\":\"A-1\"}],\"kind\":{\"name\":\"order\"}}".getBytes(StandardCharsets.UTF_8);
        var built = new EnvelopeBuilder(spec(Format.JSON, Extraction.ofJsonPath("$['kind']['name']", null),
                Extraction.ofValue("t"), Extraction.ofJsonPath("$.items[0].sku", null), null))
                .build(message(body, Map.of()));
        assertThat(built.event().eventName()).isEqualTo("order");
        assertThat(built.event().dedupKey()).isEqualTo("A-1");
        assertThat(new EnvelopeBuilder(spec(Format.JSON, Extraction.ofJsonPath("$.items[5].sku", "none"),
                Extraction.ofValue("t"), null, null)).build(message(body, Map.of())).event().eventName())
                .isEqualTo("none");
    }

    @Test
    void withoutDedupRuleTheMessageIdentityIsTheKey() throws Exception {
        var built = new EnvelopeBuilder(spec(Format.JSON, Extraction.ofValue("e"), Extraction.ofValue("t"), null,
                null)).build(message("{}".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertThat(built.event().dedupKey()).isEqualTo("queue:team-events:team.events/0/7");
        assertThat(built.dedupKeyExtracted()).isFalse();
    }

    @Test
    void unparseableOrIncompleteMessagesSayWhyWithoutQuotingTheBody() {
        EnvelopeBuilder b = new EnvelopeBuilder(spec(Format.JSON, Extraction.ofJsonPath("$.type", null),
                Extraction.ofHeader("tenant", null), null, null));
        assertThatThrownBy(() -> b.build(message("{\"pw\":\"hunter2\"".getBytes(), Map.of("tenant", "t"))))
                .isInstanceOf(ParseException.class).hasMessageStartingWith("not valid JSON")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> b.build(message(new byte[0], Map.of("tenant", "t"))))
                .hasMessage("empty body is not JSON");
        assertThatThrownBy(() -> b.build(message("{\"type\":\"x\"}".getBytes(), Map.of())))
                .hasMessage("tenantId: header:tenant is absent from the message");
        assertThatThrownBy(() -> b.build(message("{\"type\":{\"a\":1}}".getBytes(), Map.of("tenant", "t"))))
                .hasMessage("eventName: $.type is an object or array, not a value");
        assertThatThrownBy(() -> b.build(message("[".repeat(100).getBytes(), Map.of("tenant", "t"))))
                .hasMessageStartingWith("JSON nested deeper than 64");
        assertThatThrownBy(() -> b.build(message(("{\"type\":\"" + "x".repeat(600) + "\"}").getBytes(),
                Map.of("tenant", "t")))).hasMessage("eventName is longer than 512 characters");
        EnvelopeBuilder text = new EnvelopeBuilder(spec(Format.TEXT, Extraction.ofValue("e"),
                Extraction.ofValue("t"), null, null));
        assertThatThrownBy(() -> text.build(message(new byte[] {(byte) 0xC3, (byte) 0x28}, Map.of())))
                .hasMessage("text body is not valid UTF-8");
    }

    @Test
    void bodiesOverTheLimitAreRefused() {
        SourceSpec small = new SourceSpec("s", Type.KAFKA, null, Format.BINARY, Extraction.ofValue("e"),
                Extraction.ofValue("t"), null, null, null, null, null, null, null, null, 10,
                new SourceSpec.Kafka("t", null, null, null, null, null, null), null, null, null, null, null);
        assertThatThrownBy(() -> new EnvelopeBuilder(small).build(message(new byte[11], Map.of())))
                .hasMessage("body of 11 bytes is over the limit of 10");
    }
}
