package io.agenttriggers.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.apache.kafka.common.header.internals.RecordHeaders;

class TriggerEventCodecTest {

    static final JsonSchema DATA_SCHEMA = ContractSchemas.TRIGGER_DATA;

    @Provide
    Arbitrary<TriggerEvent> events() {
        return EventArbitraries.events();
    }

    /** Serializes as the services do on Kafka (binary mode) and reads it back. */
    static CloudEvent throughKafka(CloudEvent ce, RecordHeaders headers) {
        try (CloudEventSerializer serializer = new CloudEventSerializer();
                CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            serializer.configure(Map.of(), false);
            deserializer.configure(Map.of(), false);
            byte[] value = serializer.serialize("triggers.inbound", headers, ce);
            return deserializer.deserialize("triggers.inbound", headers, value);
        }
    }

    @Property(tries = 300)
    void roundTripsThroughKafkaBinaryMode(@ForAll("events") TriggerEvent event) {
        RecordHeaders headers = new RecordHeaders();
        CloudEvent received = throughKafka(TriggerEventCodec.toCloudEvent(event), headers);

        assertThat(TriggerEventCodec.fromCloudEvent(received)).isEqualTo(event);
        assertThat(headers.lastHeader("ce_id")).isNotNull();
        assertThat(new String(headers.lastHeader("ce_tenantid").value(), StandardCharsets.UTF_8))
                .isEqualTo(event.tenantId());
        assertThat(headers.lastHeader("content-type")).isNotNull();
    }

    @Property(tries = 300)
    void everyBuiltEventIsAValidCloudEvent(@ForAll("events") TriggerEvent event) {
        CloudEvent ce = TriggerEventCodec.toCloudEvent(event);

        assertThat(CloudEventConformance.violations(ce)).isEmpty();
        assertThat(ce.getExtensionNames()).allSatisfy(name -> assertThat(name).matches("[a-z0-9]{1,20}"));
        assertThat(ce.getType()).isEqualTo("io.agenttriggers.trigger." + event.type().wire());
        assertThat(ce.getSubject()).isEqualTo(event.eventName());
        assertThat(RunIds.isRunId(ce.getId())).isTrue();
    }

    @Property(tries = 300)
    void dataFollowsItsJsonSchema(@ForAll("events") TriggerEvent event) throws Exception {
        JsonNode data = EventJson.MAPPER.readTree(TriggerEventCodec.toCloudEvent(event).getData().toBytes());
        Set<ValidationMessage> errors = DATA_SCHEMA.validate(data);
        assertThat(errors).isEmpty();
    }

    @Property(tries = 100)
    void dedupKeyDefaultsToTheId(@ForAll("events") TriggerEvent any) {
        TriggerEvent event = TriggerEvent.builder(any.type(), any.source(), any.eventName(), any.tenantId()).build();
        assertThat(event.dedupKey()).isEqualTo(event.id());
        assertThat(event.partitionKey()).isEqualTo(event.tenantId() + ":" + event.eventName());
    }

    @net.jqwik.api.Example
    void refusesAForeignEventType() {
        CloudEvent foreign = CloudEventBuilder.v1().withId("1").withSource(URI.create("/x"))
                .withType("com.example.other").build();
        assertThatThrownBy(() -> TriggerEventCodec.fromCloudEvent(foreign))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not a trigger event type");
    }

    @net.jqwik.api.Example
    void refusesAnEventWithoutTenant() {
        CloudEvent noTenant = CloudEventBuilder.v1().withId("1").withSource(URI.create("/api/x"))
                .withType("io.agenttriggers.trigger.api").withSubject("x").withTime(java.time.OffsetDateTime.now())
                .withData("application/json", "{\"payload\":{}}".getBytes(StandardCharsets.UTF_8))
                .withExtension("dedupkey", "k").withExtension("responsemode", "async")
                .withExtension("partitionkey", "t:x").build();
        assertThatThrownBy(() -> TriggerEventCodec.fromCloudEvent(noTenant))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("tenantId is required");
    }

    @net.jqwik.api.Example
    void refusesDataThatIsNotJson() {
        TriggerEvent ok = TriggerEvent.builder(TriggerType.API, "/api/x", "x", "t").build();
        CloudEvent broken = CloudEventBuilder.from(TriggerEventCodec.toCloudEvent(ok))
                .withData("application/json", "{not json".getBytes(StandardCharsets.UTF_8)).build();
        assertThatThrownBy(() -> TriggerEventCodec.fromCloudEvent(broken))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("invalid data");
    }

    @net.jqwik.api.Example
    void runIdsAreVersion7AndTimeOrdered() {
        String first = RunIds.next();
        String second = RunIds.next();
        assertThat(RunIds.isRunId(first)).isTrue();
        assertThat(second.compareTo(first)).isPositive();
        assertThat(RunIds.isRunId("not-a-uuid")).isFalse();
        assertThat(RunIds.isRunId(java.util.UUID.randomUUID().toString())).isFalse();
    }
}
