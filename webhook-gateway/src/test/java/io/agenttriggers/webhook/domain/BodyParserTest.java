package io.agenttriggers.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.problem.ProblemException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class BodyParserTest {

    final BodyParser parser = new BodyParser(32, 1000);
    static final ObjectMapper MAPPER = new ObjectMapper();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<Map<String, String>> forms() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars('é', '中', '&', '=', '+', '%')
                .ofMaxLength(30);
        return Arbitraries.maps(text.filter(s -> !s.isEmpty()), text).ofMaxSize(10);
    }

    @Property(tries = 300)
    void formBodiesRoundTrip(@ForAll("forms") Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        JsonNode parsed = parser.parse("application/x-www-form-urlencoded", utf8(body.toString()));
        assertThat(parsed.size()).isEqualTo(form.size());
        form.forEach((k, v) -> assertThat(parsed.get(k).asText()).isEqualTo(v));
    }

    @Property(tries = 200)
    void jsonBodiesRoundTrip(@ForAll("jsonValues") Map<String, Object> value) throws Exception {
        byte[] body = MAPPER.writeValueAsBytes(value);
        assertThat(parser.parse("application/json; charset=utf-8", body)).isEqualTo(MAPPER.readTree(body));
    }

    @Provide
    Arbitrary<Map<String, Object>> jsonValues() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i), Arbitraries.of(true, false).map(b -> (Object) b));
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), leaf).ofMaxSize(8);
    }

    /**
     * A JSON body that nothing reads travels as its own bytes: it is written into the event data exactly as sent
     * (formatting included), and reads back as the same tree the parser would have built.
     */
    @Property(tries = 200)
    void verbatimJsonIsWrittenAsSentAndReadsBackAsParsed(@ForAll("nestedJson") Object value,
            @ForAll boolean pretty) throws Exception {
        byte[] body = pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value)
                : MAPPER.writeValueAsBytes(value);

        JsonNode verbatim = parser.parseVerbatim("application/json", body);
        byte[] data = EventJson.MAPPER.writeValueAsBytes(TriggerData.of(verbatim));

        String dataText = new String(data, StandardCharsets.UTF_8);
        assertThat(dataText).startsWith("{\"payload\":" + new String(body, StandardCharsets.UTF_8) + ",");
        assertThat(EventJson.MAPPER.readValue(data, TriggerData.class).payload())
                .isEqualTo(parser.parse("application/json", body));
    }

    @Provide
    Arbitrary<Object> nestedJson() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').withChars('é', '中', '\n', '"', '\\', '\u2028')
                        .ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.longs().map(i -> (Object) i), Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(null));
        return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
                Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z').withChars('é', '"').ofMaxLength(6),
                        inner).ofMaxSize(4).map(m -> (Object) m),
                inner.list().ofMaxSize(4).map(l -> (Object) l)), 0, 4);
    }

    @Example
    void verbatimJsonIsCheckedAsStrictlyAsParsedJson() {
        for (String bad : new String[] { "{\"a\":1} {\"b\":2}", "{\"a\":1} x", "[1,2", "{\"a\":}", "nul" }) {
            for (boolean verbatim : new boolean[] { true, false }) {
                assertThatThrownBy(() -> parse(verbatim, utf8(bad))).as(bad)
                        .isInstanceOfSatisfying(ProblemException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.code()).isEqualTo("invalid_body");
                        });
            }
        }
        // A string that is not UTF-8 (0xC3 0x28) is refused as the tree parser refuses it, not passed on.
        byte[] notUtf8 = { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}' };
        assertThatThrownBy(() -> parser.parseVerbatim("application/json", notUtf8))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
        String deep = "[".repeat(40) + "]".repeat(40);
        assertThatThrownBy(() -> parser.parseVerbatim("application/json", utf8(deep)))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo("body_too_deep"));
    }

    @Example
    void verbatimFallsBackToParsingForOtherEncodingsAndMediaTypes() throws Exception {
        byte[] utf16 = "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_16LE);
        JsonNode node = parser.parseVerbatim("application/json", utf16);
        assertThat(node.isObject()).isTrue();
        assertThat(node.get("a").asText()).isEqualTo("é");
        byte[] withBom = utf8("\uFEFF{\"a\":1}");
        assertThat(parser.parseVerbatim("application/json", withBom).get("a").asInt()).isEqualTo(1);
        assertThat(parser.parseVerbatim("application/x-www-form-urlencoded", utf8("a=1")).get("a").asText())
                .isEqualTo("1");
        assertThat(parser.parseVerbatim("application/json", utf8("  \n ")).isNull()).isTrue();
        assertThat(parser.parseVerbatim("application/json", new byte[0]).isNull()).isTrue();
    }

    private JsonNode parse(boolean verbatim, byte[] body) {
        return verbatim ? parser.parseVerbatim("application/json", body) : parser.parse("application/json", body);
    }

    @Example
    void mapsXmlToJson() {
        JsonNode node = parser.parse("application/xml", utf8(
                "<order id=\"7\"><item>a</item><item>b</item><note>hi <![CDATA[<there>]]></note><empty/></order>"));
        assertThat(node.at("/order/@id").asText()).isEqualTo("7");
        assertThat(node.at("/order/item").isArray()).isTrue();
        assertThat(node.at("/order/item/1").asText()).isEqualTo("b");
        assertThat(node.at("/order/note").asText()).isEqualTo("hi <there>");
        assertThat(node.at("/order/empty").asText()).isEmpty();
    }

    @Example
    void refusesXxeWithoutResolvingTheEntity() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        assertThatThrownBy(() -> parser.parse("application/xml", utf8(xxe)))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(400))
                .hasMessageNotContaining("root:");
    }

    @Example
    void refusesEntityExpansionBombsAtOnce() {
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            bomb.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
                    .append("\">");
        }
        bomb.append("]><lolz>&lol9;</lolz>");
        assertThatThrownBy(() -> parser.parse("text/xml", utf8(bomb.toString())))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).code()).startsWith("xml_"));
    }

    @Example
    void refusesDeepDocumentsAndUnknownMediaTypes() {
        assertThatThrownBy(() -> parser.parse("application/json", utf8("[".repeat(40) + "]".repeat(40))))
                .satisfies(e -> assertThat(((ProblemException) e).code()).isEqualTo("body_too_deep"));
        assertThatThrownBy(() -> parser.parse("application/xml", utf8("<a>".repeat(40) + "</a>".repeat(40))))
                .satisfies(e -> assertThat(((ProblemException) e).code()).isEqualTo("body_too_deep"));
        assertThatThrownBy(() -> parser.parse("image/png", new byte[] { 1 }))
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(415));
        assertThatThrownBy(() -> parser.parse("application/json", utf8("{nope")))
                .satisfies(e -> assertThat(((ProblemException) e).code()).isEqualTo("invalid_body"));
        assertThatThrownBy(() -> parser.parse("text/plain", new byte[] { (byte) 0xC3, (byte) 0x28 }))
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(400));
    }

    @Example
    void parsesTextAndRepeatedFormFields() {
        assertThat(parser.parse("text/plain; charset=ISO-8859-1", new byte[] { (byte) 0xE9 }).asText()).isEqualTo("é");
        JsonNode form = parser.parse("application/x-www-form-urlencoded", utf8("a=1&a=2&b="));
        assertThat(form.get("a").isArray()).isTrue();
        assertThat(form.get("b").asText()).isEmpty();
        assertThat(parser.parse("application/json", new byte[0]).isNull()).isTrue();
    }
}
