package io.agenttriggers.governance.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starAndQuestionMarkAreTheOnlyWildcards() {
        assertThat(Glob.compile("order.*").matches("order.created")).isTrue();
        assertThat(Glob.compile("order.*").matches("orderXcreated")).isFalse();
        assertThat(Glob.compile("job-?").matches("job-1")).isTrue();
        assertThat(Glob.compile("job-?").matches("job-12")).isFalse();
        assertThat(Glob.compile("a[b]+(c)").matches("a[b]+(c)")).isTrue();
        assertThat(Glob.compile("*").matches("multi\nline")).isTrue();
        assertThat(Glob.compile("*").matches(null)).isFalse();
    }

    @Test
    void aHostileGlobMatchesInLinearTime() {
        // With a backtracking engine this glob against this value takes longer than anyone waits; the guard only
        // turns such a hang into a failure.
        Glob hostile = Glob.compile("*a".repeat(30) + "b");
        String value = "a".repeat(20_000);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThat(hostile.matches(value)).isFalse());
    }
}
