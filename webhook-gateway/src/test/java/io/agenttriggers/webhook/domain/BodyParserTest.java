package io.agenttriggers.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
