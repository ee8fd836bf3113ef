package io.agenttriggers.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Governance's decision is a span of the event's trace, and the approved event carries that span on. */
@QuarkusTest
class TracingTest {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String INGRESS_SPAN = "b7ad6b7169203331";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theDecisionIsTheEventsChildAndTheApprovedEventCarriesIt() {
        TriggerEvent event = InboundConsumerTest.event(InboundConsumerTest.unique("traced"))
                .withTraceparent("00-" + TRACE + "-" + INGRESS_SPAN + "-01");
        KafkaTestClient.produce(InboundConsumerTest.topic("incoming", "triggers.inbound"), event.partitionKey(),
                TriggerEventCodec.toCloudEvent(event));
        TriggerEvent approved = TriggerEventCodec.fromCloudEvent(KafkaTestClient.awaitRecord(
                InboundConsumerTest.topic("outgoing", "triggers.approved"), r -> event.id().equals(r.value().getId()),
                Duration.ofSeconds(30)).value());

        SpanData decision = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems()
                .stream().filter(s -> "governance decision".equals(s.getName())
                        && event.id().equals(s.getAttributes().get(AttributeKey.stringKey("triggers.run_id"))))
                .findFirst().orElse(null), Objects::nonNull);
        assertThat(decision.getTraceId()).isEqualTo(TRACE);
        assertThat(decision.getParentSpanId()).isEqualTo(INGRESS_SPAN);
        assertThat(approved.traceparent()).isEqualTo("00-" + TRACE + "-" + decision.getSpanId() + "-01");
    }
}
