package io.agenttriggers.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.ResponseMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Route matching picks the most specific template: compared against a brute-force reading of the rule. */
class RouteTableTest {

    static ApiTrigger trigger(String id, String path) {
        return new ApiTrigger(id, "acme", id, "POST", PathTemplate.parse(path), "e", ResponseMode.ASYNC, 30, null,
                false, null, null, Set.of(), null, true, 1, "api", null);
    }

    /** Templates over a tiny alphabet, so that overlaps are common; one per shape (the table refuses twins). */
    @Provide
    Arbitrary<List<String>> templates() {
        Arbitrary<String> segment = Arbitraries.of("a", "b", "{v}");
        Arbitrary<String> template = segment.list().ofMinSize(1).ofMaxSize(4).map(segs -> {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < segs.size(); i++) {
                out.append('/').append(segs.get(i).equals("{v}") ? "{v" + i + "}" : segs.get(i));
            }
            return out.toString();
        });
        return template.list().ofMinSize(1).ofMaxSize(12).map(list -> {
            Map<String, String> byShape = new LinkedHashMap<>();
            list.forEach(t -> byShape.putIfAbsent(PathTemplate.parse(t).shape(), t));
            return new ArrayList<>(byShape.values());
        });
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("a", "b", "c").list().ofMinSize(1).ofMaxSize(4).map(s -> "/" + String.join("/", s));
    }

    @Property(tries = 500)
    void picksTheMostSpecificMatchingTemplate(@ForAll("templates") List<String> templates,
            @ForAll("paths") String path) {
        List<ApiTrigger> triggers = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            triggers.add(trigger("t" + i, templates.get(i)));
        }
        RouteTable table = new RouteTable(triggers);
        List<String> segments = RouteTable.segments(path);

        Optional<ApiTrigger> expected = triggers.stream()
                .filter(t -> t.template().matches(segments))
                .max((x, y) -> x.template().compareSpecificity(y.template()));
        Optional<RouteTable.Match> actual = table.find("POST", path);

        assertThat(actual.map(m -> m.trigger().id())).isEqualTo(expected.map(ApiTrigger::id));
        actual.ifPresent(m -> m.params().forEach((name, value) ->
                assertThat(segments).contains(value)));
        if (expected.isPresent()) {
            // Every other match is strictly less specific (shapes are unique, so there are no ties).
            triggers.stream().filter(t -> t != expected.get() && t.template().matches(segments))
                    .forEach(t -> assertThat(t.template().compareSpecificity(expected.get().template())).isNegative());
        }
    }

    @Property(tries = 200)
    void templateValuesLandUnderTheirNames(@ForAll("paths") String path) {
        List<String> segments = RouteTable.segments(path);
        StringBuilder template = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            template.append("/{p").append(i).append('}');
        }
        RouteTable table = new RouteTable(List.of(trigger("all", template.toString())));
        Map<String, String> params = table.find("POST", path).orElseThrow().params();
        for (int i = 0; i < segments.size(); i++) {
            assertThat(params.get("p" + i)).isEqualTo(segments.get(i));
        }
    }

    @Property(tries = 100)
    void twoTemplatesOfTheSameShapeAreRefused(@ForAll("paths") String path) {
        // Keep the first segment literal, turn the others into variables named differently in each template.
        List<String> segments = RouteTable.segments(path);
        StringBuilder one = new StringBuilder("/" + segments.get(0));
        StringBuilder two = new StringBuilder("/" + segments.get(0));
        for (int i = 1; i < segments.size(); i++) {
            one.append("/{x").append(i).append('}');
            two.append("/{y").append(i).append('}');
        }
        ApiTrigger first = trigger("one", one.toString());
        ApiTrigger second = trigger("two", two.toString());
        assertThat(first.template().shape()).isEqualTo(second.template().shape());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RouteTable(List.of(first, second)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both claim");
    }
}
