package io.agenttriggers.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NulQueryProblemsTest {

    @Test
    void findsANulEncodedOrRawAndNothingElse() {
        assertThat(NulQueryProblems.hasNul("tenantId=%00")).isTrue();
        assertThat(NulQueryProblems.hasNul("a=1&tenantId=x%00y")).isTrue();
        assertThat(NulQueryProblems.hasNul("tenantId=\0")).isTrue();
        assertThat(NulQueryProblems.hasNul("tenantId=acme&eventName=a%2500b&from=2026-01-01T00%3A00%3A00Z")).isFalse();
        assertThat(NulQueryProblems.hasNul("x=%E0%80%80")).isFalse();
    }
}
