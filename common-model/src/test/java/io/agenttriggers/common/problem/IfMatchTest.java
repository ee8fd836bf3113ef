package io.agenttriggers.common.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IfMatchTest {

    @Property
    void everyVersionReadsBackFromItsStrongETag(@ForAll @IntRange(min = 0, max = 999_999_999) int version) {
        assertThat(IfMatch.version("\"" + version + "\"")).isEqualTo(version);
        assertThat(IfMatch.version(" \"" + version + "\" ")).isEqualTo(version);
        assertThat(IfMatch.version(Integer.toString(version))).isEqualTo(version);
    }

    @Property
    void aWeakETagNeverMatches(@ForAll @IntRange(min = 0, max = 999_999_999) int version) {
        assertThatThrownBy(() -> IfMatch.version("W/\"" + version + "\"")).isInstanceOf(ProblemException.class);
    }

    @Test
    void anythingButOneVersionIsABadRequest() {
        assertThat(IfMatch.version(null)).isNull();
        assertThat(IfMatch.version("*")).isNull();
        for (String bad : new String[] {"", " ", "\"007\"", "+3", "3\"", "\"3", "\"3\", \"4\"", "-1", "\"\"",
                "1234567890", "abc", "\"3.0\""}) {
            assertThatThrownBy(() -> IfMatch.version(bad)).as(bad).isInstanceOfSatisfying(ProblemException.class,
                    p -> assertThat(p.status()).isEqualTo(400));
        }
    }
}
