package io.agenttriggers.common.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Maps {@link TriggerEvent} to and from CloudEvents 1.0. On Kafka the events travel in binary content mode
 * ({@code ce_*} headers, JSON data in the value) through {@code io.cloudevents.kafka.CloudEventSerializer}.
 */
public final class TriggerEventCodec {

    public static final String DATA_CONTENT_TYPE = "application/json";
    /** Identifies the JSON Schema of the data, shipped as {@code schemas/trigger-data.schema.json}. */
    public static final URI DATA_SCHEMA = URI.create("https://agenttriggers.io/schemas/trigger-data/v1");

    private TriggerEventCodec() {
    }

    public static CloudEvent toCloudEvent(TriggerEvent event) {
        byte[] data;
        try {
            data = EventJson.MAPPER.writeValueAsBytes(event.data());
        } catch (IOException e) {
            throw new InvalidEventException("event data cannot be serialized", e);
        }
        URI source;
        try {
            source = SourceUris.of(event.source());
        } catch (java.net.URISyntaxException e) {
            throw new InvalidEventException("source is not a URI reference: " + event.source(), e);
        }
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(source)
                .withType(event.type().ceType())
                .withSubject(event.eventName())
                .withTime(event.time())
                .withDataContentType(DATA_CONTENT_TYPE)
                .withDataSchema(DATA_SCHEMA)
                .withData(data)
                .withExtension(Extensions.TENANT_ID, event.tenantId())
                .withExtension(Extensions.DEDUP_KEY, event.dedupKey())
                .withExtension(Extensions.RESPONSE_MODE, event.responseMode().wire())
                .withExtension(Extensions.PARTITION_KEY, event.partitionKey());
        if (event.focus() != null) {
            builder.withExtension(Extensions.FOCUS, event.focus());
        }
        if (event.deadline() != null) {
            builder.withExtension(Extensions.DEADLINE, event.deadline().toString());
        }
        if (event.traceparent() != null) {
            builder.withExtension(Extensions.TRACEPARENT, event.traceparent());
        }
        if (event.workflowId() != null) {
            builder.withExtension(Extensions.WORKFLOW_ID, event.workflowId());
        }
        return builder.build();
    }

    /** Reads a trigger event; throws {@link InvalidEventException} naming what is wrong. */
    public static TriggerEvent fromCloudEvent(CloudEvent ce) {
        if (ce == null) {
            throw new InvalidEventException("not a CloudEvent");
        }
        if (ce.getSpecVersion() != SpecVersion.V1) {
            throw new InvalidEventException("unsupported specversion " + ce.getSpecVersion());
        }
        TriggerType type;
        try {
            type = TriggerType.fromCeType(ce.getType());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(e.getMessage(), e);
        }
        if (ce.getData() == null) {
            throw new InvalidEventException("event " + ce.getId() + " has no data");
        }
        TriggerData data;
        try {
            data = EventJson.MAPPER.readValue(ce.getData().toBytes(), TriggerData.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException("event " + ce.getId() + " has invalid data: " + e.getMessage(), e);
        }
        try {
            return new TriggerEvent(
                    ce.getId(),
                    ce.getSource().toString(),
                    type,
                    ce.getSubject(),
                    ce.getTime(),
                    text(ce, Extensions.TENANT_ID),
                    text(ce, Extensions.DEDUP_KEY),
                    text(ce, Extensions.FOCUS),
                    ResponseMode.fromWire(text(ce, Extensions.RESPONSE_MODE)),
                    time(ce, Extensions.DEADLINE),
                    text(ce, Extensions.PARTITION_KEY),
                    text(ce, Extensions.TRACEPARENT),
                    text(ce, Extensions.WORKFLOW_ID),
                    data);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidEventException("event " + ce.getId() + " breaks the contract: " + e.getMessage(), e);
        }
    }

    static String text(CloudEvent ce, String name) {
        Object value = ce.getExtension(name);
        return value == null ? null : value.toString();
    }

    private static OffsetDateTime time(CloudEvent ce, String name) {
        Object value = ce.getExtension(name);
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime t) {
            return t;
        }
        try {
            return OffsetDateTime.parse(value.toString());
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("extension " + name + " is not an ISO-8601 time: " + value, e);
        }
    }
}
