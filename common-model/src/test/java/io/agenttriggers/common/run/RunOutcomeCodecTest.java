package io.agenttriggers.common.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import io.agenttriggers.common.event.CloudEventConformance;
import io.agenttriggers.common.event.EventArbitraries;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.Extensions;
import io.agenttriggers.common.event.RunIds;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

class RunOutcomeCodecTest {

    static final JsonSchema OUTCOME_SCHEMA = io.agenttriggers.common.event.ContractSchemas.RUN_OUTCOME;

    @Provide
    Arbitrary<RunOutcome> outcomes() {
        Arbitrary<RunStatus> terminal = Arbitraries.of(RunStatus.class).filter(RunStatus::isTerminal);
        return Combinators.combine(
                        EventArbitraries.text(40),
                        EventArbitraries.text(60),
                        terminal,
                        Arbitraries.of("rate_limited", "timeout", "http_500").injectNull(0.5),
                        Arbitraries.of("agent", "fallback").injectNull(0.3),
                        EventArbitraries.payloads().injectNull(0.3),
                        Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("1000")).ofScale(4)
                                .injectNull(0.3),
                        Arbitraries.integers().between(0, 50))
                .flatAs((tenant, name, status, reason, mode, result, cost, calls) -> Combinators.combine(
                                Arbitraries.integers().between(0, 10),
                                Arbitraries.longs().between(0, 600_000).map(Duration::ofMillis).injectNull(0.2),
                                EventArbitraries.times())
                        .as((attempts, duration, finished) -> new RunOutcome(RunIds.next(), tenant, name, "api",
                                status, reason, mode, result, status == RunStatus.FAILED ? "boom" : null, cost, calls,
                                attempts, duration, status == RunStatus.DUPLICATE ? RunIds.next() : null,
                                status == RunStatus.REJECTED ? Duration.ofSeconds(30) : null, finished)));
    }

    @Property(tries = 300)
    void roundTripsThroughKafkaBinaryMode(@ForAll("outcomes") RunOutcome outcome) {
        assertThat(RunOutcomeCodec.fromCloudEvent(throughKafka(outcome))).isEqualTo(outcome);
    }

    /** The outcome as a consumer reads it: serialized in Kafka's binary mode and back. */
    private static CloudEvent throughKafka(RunOutcome outcome) {
        CloudEvent ce = RunOutcomeCodec.toCloudEvent(outcome, "/agent-dispatcher");
        RecordHeaders headers = new RecordHeaders();
        try (CloudEventSerializer s = new CloudEventSerializer(); CloudEventDeserializer d = new CloudEventDeserializer()) {
            s.configure(Map.of(), false);
            d.configure(Map.of(), false);
            return d.deserialize("triggers.outcomes", headers, s.serialize("triggers.outcomes", headers, ce));
        }
    }

    @Property(tries = 300)
    void isAValidCloudEventWhoseDataFollowsTheSchema(@ForAll("outcomes") RunOutcome outcome) throws Exception {
        CloudEvent ce = RunOutcomeCodec.toCloudEvent(outcome, "/agent-dispatcher");
        assertThat(CloudEventConformance.violations(ce)).isEmpty();
        assertThat(ce.getSubject()).isEqualTo(outcome.runId());
        JsonNode data = EventJson.MAPPER.readTree(ce.getData().toBytes());
        assertThat(OUTCOME_SCHEMA.validate(data)).isEmpty();
    }

    @Property(tries = 100)
    void saysItsTriggerTypeAndRunInHeadersReadableWithoutTheData(@ForAll("outcomes") RunOutcome outcome) {
        CloudEvent back = throughKafka(outcome);
        assertThat(RunOutcomeCodec.mayBeOf(back, "api")).isTrue();
        assertThat(RunOutcomeCodec.mayBeOf(back, "cron")).isFalse();
        assertThat(back.getExtension(Extensions.RUN_ID)).hasToString(outcome.runId());
    }

    @Example
    void anOutcomeWithoutTheTypeExtensionMayBeOfAnyType() {
        CloudEvent ce = CloudEventBuilder.v1(RunOutcomeCodec.toCloudEvent(new RunOutcome(RunIds.next(), "t", "e",
                "cron", RunStatus.SUCCEEDED, null, null, null, null, null, 0, 1, null, null, null, OffsetDateTime.now()),
                "/agent-dispatcher"))
                .withoutExtension(Extensions.TRIGGER_TYPE).build();
        assertThat(RunOutcomeCodec.mayBeOf(ce, "cron")).isTrue();
        assertThat(RunOutcomeCodec.mayBeOf(ce, "webhook")).isTrue();
    }

    @Example
    void refusesANonTerminalStatus() {
        assertThatThrownBy(() -> new RunOutcome(RunIds.next(), "t", "e", "api", RunStatus.RUNNING, null, null, null,
                null, null, 0, 0, null, null, null, OffsetDateTime.now()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terminal");
    }

    @Example
    void statusesUseSnakeCaseOnTheWire() throws Exception {
        assertThat(EventJson.MAPPER.writeValueAsString(RunStatus.FALLBACK_SUCCEEDED)).isEqualTo("\"fallback_succeeded\"");
        assertThat(EventJson.MAPPER.readValue("\"dead_lettered\"", RunStatus.class)).isEqualTo(RunStatus.DEAD_LETTERED);
    }
}
