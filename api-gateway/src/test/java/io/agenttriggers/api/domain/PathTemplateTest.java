package io.agenttriggers.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link PathTemplate#overlaps}: true exactly when some concrete path matches both templates. */
class PathTemplateTest {

    @Example
    void aLiteralOverlapsATemplateSegmentButNotAnotherLiteral() {
        assertThat(overlaps("/orders/{id}", "/orders/42")).isTrue();
        assertThat(overlaps("/orders/{id}", "/orders/{key}")).isTrue();
        assertThat(overlaps("/orders/{id}/analyse", "/{kind}/42/analyse")).isTrue();
        assertThat(overlaps("/orders/42", "/orders/43")).isFalse();
        assertThat(overlaps("/orders/{id}/analyse", "/orders/{id}/refund")).isFalse();
        assertThat(overlaps("/orders/{id}", "/orders/{id}/analyse")).isFalse();
        assertThat(overlaps("/orders/{id}", "/orders")).isFalse();
    }

    /** Templates over a tiny alphabet, so that overlaps are common. */
    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.of("a", "b", "{v}").list().ofMinSize(1).ofMaxSize(4).map(PathTemplateTest::path);
    }

    /**
     * Two templates of one length: templates of different lengths never overlap, so drawing them independently
     * rejects most pairs and a random seed can exhaust the discard budget.
     */
    @Provide
    Arbitrary<List<String>> sameLengthPairs() {
        return Arbitraries.integers().between(1, 4).flatMap(n -> {
            Arbitrary<String> template = Arbitraries.of("a", "b", "{v}").list().ofSize(n).map(PathTemplateTest::path);
            return Combinators.combine(template, template).as(List::of);
        });
    }

    @Property(tries = 1000, maxDiscardRatio = 20)
    void overlappingTemplatesShareAConcretePath(@ForAll("sameLengthPairs") List<String> pair) {
        PathTemplate a = PathTemplate.parse(pair.get(0));
        PathTemplate b = PathTemplate.parse(pair.get(1));
        Assume.that(a.overlaps(b));
        // Either literal where one has it; any value where both are templates.
        List<String> witness = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            witness.add(a.literal(i) != null ? a.literal(i) : b.literal(i) != null ? b.literal(i) : "x");
        }
        assertThat(a.matches(witness)).isTrue();
        assertThat(b.matches(witness)).isTrue();
    }

    /** Two templates and a path of one length, so that a path matching both is common enough to test. */
    @Provide
    Arbitrary<List<String>> sameLength() {
        return Arbitraries.integers().between(1, 3).flatMap(n -> {
            Arbitrary<String> template = Arbitraries.of("a", "b", "{v}").list().ofSize(n).map(PathTemplateTest::path);
            Arbitrary<String> path = Arbitraries.of("a", "b").list().ofSize(n).map(PathTemplateTest::path);
            return Combinators.combine(template, template, path).as(List::of);
        });
    }

    private static String path(List<String> segments) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            out.append('/').append(segments.get(i).equals("{v}") ? "{v" + i + "}" : segments.get(i));
        }
        return out.toString();
    }

    @Property(tries = 1000, maxDiscardRatio = 20)
    void aPathBothMatchMeansTheyOverlap(@ForAll("sameLength") List<String> c) {
        PathTemplate a = PathTemplate.parse(c.get(0));
        PathTemplate b = PathTemplate.parse(c.get(1));
        List<String> segments = RouteTable.segments(c.get(2));
        Assume.that(a.matches(segments) && b.matches(segments));
        assertThat(a.overlaps(b)).isTrue();
    }

    @Property(tries = 500)
    void overlapIsSymmetric(@ForAll("templates") String one, @ForAll("templates") String two) {
        assertThat(overlaps(one, two)).isEqualTo(overlaps(two, one));
    }

    private static boolean overlaps(String one, String two) {
        return PathTemplate.parse(one).overlaps(PathTemplate.parse(two));
    }
}
