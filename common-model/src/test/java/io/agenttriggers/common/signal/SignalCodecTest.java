package io.agenttriggers.common.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agenttriggers.common.event.ContractSchemas;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.Extensions;
import io.agenttriggers.common.event.InvalidEventException;
import io.cloudevents.CloudEvent;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignalCodecTest {

    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 7, 7, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void aSignalRoundTripsAsACloudEventWhoseDataMatchesTheSchema() throws Exception {
        Signal signal = new Signal(Signal.WEBHOOK_VERIFICATION_FAILED, "acme", "/webhooks/orders", "order.created", 42,
                "invalid_signature", AT);
        CloudEvent ce = SignalCodec.toCloudEvent(signal, "/webhook-gateway");
        assertThat(ce.getType()).isEqualTo(SignalCodec.TYPE);
        assertThat(ce.getSubject()).isEqualTo("/webhooks/orders");
        assertThat(ce.getExtension(Extensions.TENANT_ID)).isEqualTo("acme");
        assertThat(SignalCodec.key(signal)).isEqualTo("acme");
        assertThat(ContractSchemas.SIGNAL.validate(EventJson.MAPPER.readTree(ce.getData().toBytes()))).isEmpty();
        assertThat(SignalCodec.fromCloudEvent(ce)).isEqualTo(signal);
    }

    @Test
    void anInstallationWideSignalHasNoTenantAndLongDetailsAreCut() throws Exception {
        Signal signal = new Signal(Signal.RUNTIME_PAUSED, null, "dispatcher-0", null, 1, "x".repeat(2000), AT);
        assertThat(signal.installationWide()).isTrue();
        assertThat(signal.detail()).hasSize(Signal.MAX_DETAIL);
        CloudEvent ce = SignalCodec.toCloudEvent(signal, "/agent-dispatcher");
        assertThat(ce.getExtension(Extensions.TENANT_ID)).isNull();
        assertThat(ContractSchemas.SIGNAL.validate(EventJson.MAPPER.readTree(ce.getData().toBytes()))).isEmpty();
        assertThat(SignalCodec.fromCloudEvent(ce)).isEqualTo(signal);
    }

    @Test
    void unknownKindsZeroCountsAndOtherEventsAreRefused() {
        assertThatThrownBy(() -> new Signal("cron.sneezed", "a", "/cron/x", null, 1, null, AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Signal(Signal.CRON_MISFIRE, "a", "/cron/x", null, 0, null, AT))
                .isInstanceOf(IllegalArgumentException.class);
        CloudEvent outcome = io.cloudevents.core.builder.CloudEventBuilder.v1().withId("1")
                .withSource(java.net.URI.create("/x")).withType("io.agenttriggers.run.outcome").build();
        assertThatThrownBy(() -> SignalCodec.fromCloudEvent(outcome)).isInstanceOf(InvalidEventException.class);
    }
}
