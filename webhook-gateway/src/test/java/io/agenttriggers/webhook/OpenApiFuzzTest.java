package io.agenttriggers.webhook;

import io.agenttriggers.common.testing.OpenApiFuzzer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Every operation of this service's own OpenAPI document, fuzzed (see {@link OpenApiFuzzer}; {@code -Dfuzz.cases},
 * {@code -Dfuzz.seed} for longer or replayed runs): no 5xx, no hang, every 4xx a problem.
 */
@QuarkusTest
class OpenApiFuzzTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void answersHostileInputToEveryOperationWithoutServerErrorsAndWithProblems() {
        OpenApiFuzzer.against(base)
                .withToken("acme-viewer", "Bearer test-acme-viewer")
                .assertNoFindings();
    }
}
