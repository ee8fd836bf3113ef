package io.agenttriggers.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Sanitization changes nothing but what it promises to strip. */
class SanitizerTest {

    static final Set<String> DROP = Set.of("password", "__proto__");
    final Sanitizer sanitizer = new Sanitizer(DROP);

    @Provide
    Arbitrary<JsonNode> json() {
        return tree(3);
    }

    private Arbitrary<JsonNode> tree(int depth) {
        Arbitrary<String> text = Arbitraries.strings().withCharRange((char) 0, (char) 0xff).ofMaxLength(12);
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("password", "Password", "__proto__", "name"),
                text);
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                text.map(t -> (JsonNode) JsonNodeFactory.instance.textNode(t)),
                Arbitraries.integers().map(i -> (JsonNode) JsonNodeFactory.instance.numberNode(i)),
                Arbitraries.of(true, false).map(b -> (JsonNode) JsonNodeFactory.instance.booleanNode(b)),
                Arbitraries.just(JsonNodeFactory.instance.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> child = tree(depth - 1);
        Arbitrary<JsonNode> array = child.list().ofMaxSize(4).map(items -> {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(keys, child).ofMaxSize(4).map(m -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            m.forEach(o::set);
            return o;
        });
        return Arbitraries.oneOf(leaf, array, object);
    }

    @Property(tries = 500)
    void cleanDataPassesUnchanged(@ForAll("json") JsonNode input) {
        if (isClean(input)) {
            assertThat(sanitizer.sanitize(input)).isEqualTo(input);
        }
    }

    @Property(tries = 500)
    void outputIsCleanAndSanitizingTwiceChangesNothing(@ForAll("json") JsonNode input) {
        JsonNode once = sanitizer.sanitize(input);
        assertThat(isClean(once)).isTrue();
        assertThat(sanitizer.sanitize(once)).isEqualTo(once);
    }

    @Property(tries = 500)
    void onlyStrippedCharactersAndDroppedFieldsDisappear(@ForAll("json") JsonNode input) {
        assertThat(shape(sanitizer.sanitize(input))).isEqualTo(shape(expected(input)));
    }

    /** The reference reading: strings lose exactly the stripped characters, dropped keys go, all else stays. */
    private static JsonNode expected(JsonNode node) {
        if (node.isTextual()) {
            StringBuilder out = new StringBuilder();
            node.textValue().chars().filter(c -> !Sanitizer.isStripped((char) c)).forEach(c -> out.append((char) c));
            return JsonNodeFactory.instance.textNode(out.toString());
        }
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> a.add(expected(n)));
            return a;
        }
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = ((com.fasterxml.jackson.databind.node.TextNode) expected(
                        JsonNodeFactory.instance.textNode(e.getKey()))).textValue();
                if (!DROP.contains(key.toLowerCase(Locale.ROOT))) {
                    o.set(key, expected(e.getValue()));
                }
            }
            return o;
        }
        return node;
    }

    private static String shape(JsonNode node) {
        return node.toString();
    }

    private static boolean isClean(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().chars().noneMatch(c -> Sanitizer.isStripped((char) c));
        }
        if (node.isArray()) {
            for (JsonNode n : node) {
                if (!isClean(n)) {
                    return false;
                }
            }
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (DROP.contains(e.getKey().toLowerCase(Locale.ROOT)) || !isClean(JsonNodeFactory.instance
                        .textNode(e.getKey())) || !isClean(e.getValue())) {
                    return false;
                }
            }
        }
        return true;
    }
}
