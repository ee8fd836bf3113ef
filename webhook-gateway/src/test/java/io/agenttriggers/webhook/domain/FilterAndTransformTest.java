package io.agenttriggers.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FilterAndTransformTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Transformer transformer(String spec) {
        List<FieldError> problems = new ArrayList<>();
        Transformer t;
        try {
            t = Transformer.compile(MAPPER.readValue(spec, TransformSpec.class), problems);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(problems).isEmpty();
        return t;
    }

    @Example
    void celFiltersSeePayloadAndHeaders() {
        CelFilter filter = CelFilter.compile(
                "headers['x-github-event'] == 'push' && payload.ref == 'refs/heads/main' && size(payload.commits) > 0");
        JsonNode push = json("{\"ref\":\"refs/heads/main\",\"commits\":[{\"id\":1}]}");
        assertThat(filter.test(push, Map.of("x-github-event", "push")).matches()).isTrue();
        assertThat(filter.test(push, Map.of("x-github-event", "issues")).matches()).isFalse();
        CelFilter.Verdict missing = filter.test(json("{\"commits\":[{\"id\":2}]}"), Map.of("x-github-event", "push"));
        assertThat(missing.matches()).isFalse();
        assertThat(missing.reason()).contains("could not be evaluated");
        assertThat(CelFilter.compile("has(payload.ref) && payload.ref.startsWith('refs/tags/')")
                .test(json("{\"ref\":\"refs/tags/v1\"}"), Map.of()).matches()).isTrue();
        assertThat(CelFilter.compile("payload.amount > 100").test(json("{\"amount\":250}"), Map.of()).matches())
                .isTrue();
    }

    @Example
    void invalidFiltersAreRefusedAtConfigurationTime() {
        assertThatThrownBy(() -> CelFilter.compile("payload.ref ==")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CelFilter.compile("1 + 2")).hasMessageContaining("boolean");
        assertThatThrownBy(() -> CelFilter.compile("unknown_var == 1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void mappingsConvertTypesAndFallBackToDefaults() {
        Transformer t = transformer("{\"mappings\":["
                + "{\"target\":\"repo.name\",\"path\":\"$.repository.full_name\",\"type\":\"string\"},"
                + "{\"target\":\"amount\",\"path\":\"$.amount\",\"type\":\"number\"},"
                + "{\"target\":\"live\",\"path\":\"$.livemode\",\"type\":\"boolean\"},"
                + "{\"target\":\"at\",\"path\":\"$.created\",\"type\":\"date\"},"
                + "{\"target\":\"priority\",\"path\":\"$.missing\",\"default\":\"normal\"},"
                + "{\"target\":\"raw\",\"path\":\"$.items\"}]}");
        JsonNode out = t.apply(json("{\"repository\":{\"full_name\":\"acme/app\"},\"amount\":\"12.50\","
                + "\"livemode\":\"yes\",\"created\":1700000000,\"items\":[1,2]}"));
        assertThat(out.at("/repo/name").asText()).isEqualTo("acme/app");
        assertThat(out.get("amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(out.get("live").asBoolean()).isTrue();
        assertThat(out.get("at").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(out.get("priority").asText()).isEqualTo("normal");
        assertThat(out.get("raw").size()).isEqualTo(2);
    }

    @Example
    void aConversionFailureOrAMissingRequiredFieldIsA422WithTheField() {
        Transformer t = transformer("{\"mappings\":[{\"target\":\"amount\",\"path\":\"$.amount\",\"type\":\"number\"},"
                + "{\"target\":\"id\",\"path\":\"$.id\",\"required\":true}]}");
        assertThatThrownBy(() -> t.apply(json("{\"amount\":\"lots\"}")))
                .isInstanceOf(Transformer.TransformException.class)
                .satisfies(e -> assertThat(((Transformer.TransformException) e).errors())
                        .extracting(FieldError::field).containsExactly("amount", "id"));
    }

    @Example
    void jsonataRunsFirstAndTheSchemaChecksTheResult() {
        Transformer t = transformer("{\"jsonata\":\"{ 'total': $sum(lines.(qty * price)), 'sku': lines[0].sku }\","
                + "\"schema\":{\"type\":\"object\",\"required\":[\"total\"],\"properties\":{\"total\":{\"type\":\"number\","
                + "\"maximum\":1000}}}}");
        JsonNode out = t.apply(json("{\"lines\":[{\"sku\":\"a\",\"qty\":2,\"price\":5},{\"sku\":\"b\",\"qty\":1,\"price\":3}]}"));
        assertThat(out.get("total").asDouble()).isEqualTo(13.0);
        assertThat(out.get("sku").asText()).isEqualTo("a");
        assertThatThrownBy(() -> t.apply(json("{\"lines\":[{\"qty\":2000,\"price\":1}]}")))
                .isInstanceOf(Transformer.TransformException.class)
                .hasMessageContaining("schema");
    }

    @Example
    void aRunawayJsonataExpressionFailsInsteadOfHanging() {
        Transformer t = transformer("{\"jsonata\":\"($f := function($n){ $f($n + 1) }; $f(0))\"}");
        assertThatThrownBy(() -> t.apply(json("{}"))).isInstanceOf(Transformer.TransformException.class);
    }

    @Example
    void badSpecsAreReportedFieldByField() throws Exception {
        List<FieldError> problems = new ArrayList<>();
        Transformer.compile(MAPPER.readValue("{\"jsonata\":\"$sum(\",\"mappings\":[{\"target\":\"a b\",\"path\":\"$.x\"},"
                + "{\"target\":\"t\",\"path\":\"$.x\",\"type\":\"uuid\"},{\"target\":\"u\"}]}", TransformSpec.class),
                problems);
        assertThat(problems).extracting(FieldError::field).containsExactly("transform.jsonata",
                "transform.mappings[0].target", "transform.mappings[1].type", "transform.mappings[2].path");
    }

    @Provide
    Arbitrary<Map<String, String>> flatObjects() {
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.strings().ofMaxLength(20)).ofMinSize(1).ofMaxSize(8);
    }

    /** A mapping per field, each copying it to a new name, yields exactly the renamed object. */
    @Property(tries = 200)
    void identityMappingsRenameEveryField(@ForAll("flatObjects") Map<String, String> source) throws Exception {
        StringBuilder spec = new StringBuilder("{\"mappings\":[");
        int i = 0;
        for (String key : source.keySet()) {
            spec.append(i++ == 0 ? "" : ",").append("{\"target\":\"f_").append(key).append("\",\"path\":\"$['")
                    .append(key).append("']\",\"type\":\"string\"}");
        }
        spec.append("]}");
        JsonNode out = transformer(spec.toString()).apply(MAPPER.valueToTree(source));
        assertThat(out.size()).isEqualTo(source.size());
        source.forEach((k, v) -> assertThat(out.get("f_" + k).asText()).isEqualTo(v));
    }
}
