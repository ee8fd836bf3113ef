package io.agenttriggers.common.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.agenttriggers.common.event.EventJson;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MismatchedInputDetailTest {

    record Rotation(String secret, Duration gracePeriod, List<Integer> sizes, boolean active) {}

    /** As the services read request bodies: unknown fields refused. */
    private static final ObjectMapper STRICT = EventJson.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static String detailOf(String json) {
        MismatchedInputException e = catchThrowableOfType(
                () -> STRICT.readValue(json, Rotation.class), MismatchedInputException.class);
        assertThat(e).as("Jackson refuses %s", json).isNotNull();
        Response answer = new ProblemMappers().mismatchedInput(e, null);
        assertThat(answer.getStatus()).isEqualTo(400);
        return (String) answer.getEntity();
    }

    @Test
    void aWrongValueIsDescribedInTheApisWordsWithoutEchoingIt() {
        String payload = "java.lang.IllegalStateException" + "x".repeat(20_000);
        String body = detailOf("{\"secret\":\"s\",\"gracePeriod\":\"" + payload + "\"}");
        assertThat(body).contains("at 'gracePeriod'").contains("an ISO-8601 duration")
                .doesNotContain("java.").doesNotContain("xxxx").hasSizeLessThan(600);
    }

    @Test
    void nestedPathsAndContainerTypesAreNamed() {
        assertThat(detailOf("{\"sizes\":[1,\"two\"]}")).contains("at 'sizes[1]'").contains("an integer");
        assertThat(detailOf("{\"sizes\":{}}")).contains("at 'sizes'").contains("an array");
        assertThat(detailOf("{\"active\":\"maybe\"}")).contains("at 'active'").contains("true or false");
    }

    @Test
    void anUnknownFieldNameIsClipped() {
        String body = detailOf("{\"" + "k".repeat(5_000) + "\":1}");
        assertThat(body).contains("Unknown field").hasSizeLessThan(1_000);
    }
}
