package io.agenttriggers.common.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.SimpleType;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CelSandboxTest {

    static final CelSandbox SANDBOX = CelSandbox.of(Map.of("payload", SimpleType.DYN));

    static Map<String, Object> payload(int items) {
        List<Long> list = LongStream.range(0, items).boxed().toList();
        return Map.of("payload", Map.of("items", list, "name", "x".repeat(200_000)));
    }

    @Test
    void refusesComprehensionsNestedThreeDeepOverThePayloadBeforeTheyRun() {
        assertThatThrownBy(() -> SANDBOX.compile(
                "payload.items.all(x, payload.items.all(y, payload.items.all(z, x + y + z >= 0)))", true))
                .isInstanceOf(CelRefusedException.class)
                .hasMessageContaining("too expensive").hasMessageContaining("estimated cost");
    }

    @Test
    void estimatesListsWrittenInTheExpressionBySizeSoSmallNestingPasses() {
        CelProgram p = SANDBOX.compile("[1, 2, 3].all(x, ['a', 'b'].exists(y, payload.items.exists(z, z == x)))",
                true);
        assertThat(p.estimatedCost()).isLessThan(CelSandbox.MAX_COST);
        assertThat(p.eval(payload(4))).isEqualTo(true);
    }

    @Test
    void stopsAQuadraticFilterOnALargeListAtTheIterationCap() {
        CelProgram p = SANDBOX.compile("payload.items.all(x, payload.items.all(y, x + y >= 0))", true);
        assertThat(p.eval(payload(50))).isEqualTo(true);
        assertThatThrownBy(() -> p.eval(payload(3_000)))
                .isInstanceOfSatisfying(CelEvaluationFailure.class, f -> assertThat(f.limitExceeded()).isTrue())
                .hasMessageContaining("iterations");
    }

    @Test
    void stopsAnExpressionThatBuildsLargeValuesAtTheCostLimit() {
        CelProgram p = SANDBOX.compile("payload.items.map(x, payload.name + payload.name).size() > 0", true);
        assertThatThrownBy(() -> p.eval(payload(200)))
                .isInstanceOfSatisfying(CelEvaluationFailure.class, f -> assertThat(f.limitExceeded()).isTrue())
                .hasMessageContaining("cost limit");
        assertThat(p.eval(payload(3))).isEqualTo(true);
    }

    @Test
    void aMissingFieldIsAFailureOfTheDataNotALimit() {
        CelProgram p = SANDBOX.compile("payload.nothing == 1", true);
        assertThatThrownBy(() -> p.eval(payload(1)))
                .isInstanceOfSatisfying(CelEvaluationFailure.class, f -> assertThat(f.limitExceeded()).isFalse());
    }

    @Test
    void refusesInvalidLongAndNonBooleanExpressionsSayingWhy() {
        assertThatThrownBy(() -> SANDBOX.compile("payload.ref ==", true)).hasMessageStartingWith("is not valid CEL");
        assertThatThrownBy(() -> SANDBOX.compile("1 + 2", true)).hasMessageContaining("must be a boolean");
        assertThat(SANDBOX.compile("1 + 2", false).eval(Map.of("payload", Map.of()))).isEqualTo(3L);
        assertThatThrownBy(() -> SANDBOX.compile("true && ".repeat(600) + "true", true))
                .hasMessageContaining("at most " + CelSandbox.MAX_LENGTH);
        assertThatThrownBy(() -> SANDBOX.compile("  ", true)).hasMessage("is empty");
    }

    /** The cap counts every iteration of one evaluation: n outer and n inner ones per outer. */
    @Property(tries = 40)
    void aNestedFilterEitherAnswersOrStopsAtTheCapNeverLater(@ForAll @IntRange(min = 0, max = 400) int n) {
        CelProgram p = SANDBOX.compile("payload.items.all(x, payload.items.all(y, x + y >= 0))", true);
        long iterations = (long) n + (long) n * n;
        if (iterations <= CelSandbox.MAX_ITERATIONS) {
            assertThat(p.eval(payload(n))).isEqualTo(true);
        } else {
            assertThatThrownBy(() -> p.eval(payload(n)))
                    .isInstanceOfSatisfying(CelEvaluationFailure.class, f -> assertThat(f.limitExceeded()).isTrue());
        }
    }
}
