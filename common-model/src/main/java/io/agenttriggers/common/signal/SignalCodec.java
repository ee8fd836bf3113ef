package io.agenttriggers.common.signal;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.Extensions;
import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.RunIds;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;

/** Maps {@link Signal} to and from the {@code io.agenttriggers.signal} CloudEvent. */
public final class SignalCodec {

    public static final String TYPE = "io.agenttriggers.signal";
    public static final URI DATA_SCHEMA = URI.create("https://agenttriggers.io/schemas/signal/v1");

    private SignalCodec() {
    }

    /** @param producer the service that saw it, e.g. {@code /cron-service} */
    public static CloudEvent toCloudEvent(Signal signal, String producer) {
        byte[] data;
        try {
            data = EventJson.MAPPER.writeValueAsBytes(signal);
        } catch (IOException e) {
            throw new InvalidEventException("signal cannot be serialized", e);
        }
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(RunIds.next())
                .withSource(URI.create(producer))
                .withType(TYPE)
                .withSubject(signal.subject())
                .withTime(signal.at())
                .withDataContentType("application/json")
                .withDataSchema(DATA_SCHEMA)
                .withData(data);
        if (signal.tenantId() != null) {
            builder.withExtension(Extensions.TENANT_ID, signal.tenantId());
        }
        return builder.build();
    }

    /** The record key: one tenant's signals stay in order on one partition. */
    public static String key(Signal signal) {
        return signal.tenantId() == null ? "(installation)" : signal.tenantId();
    }

    public static Signal fromCloudEvent(CloudEvent ce) {
        if (ce == null || ce.getSpecVersion() != SpecVersion.V1 || !TYPE.equals(ce.getType())) {
            throw new InvalidEventException("not a signal event: " + (ce == null ? null : ce.getType()));
        }
        if (ce.getData() == null) {
            throw new InvalidEventException("signal " + ce.getId() + " has no data");
        }
        try {
            return EventJson.MAPPER.readValue(ce.getData().toBytes(), Signal.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException("signal " + ce.getId() + " has invalid data: " + e.getMessage(), e);
        }
    }
}
