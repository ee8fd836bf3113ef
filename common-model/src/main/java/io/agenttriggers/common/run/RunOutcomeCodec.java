package io.agenttriggers.common.run;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.Extensions;
import io.agenttriggers.common.event.InvalidEventException;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;

/** Maps {@link RunOutcome} to and from the {@code io.agenttriggers.run.outcome} CloudEvent. */
public final class RunOutcomeCodec {

    public static final String TYPE = "io.agenttriggers.run.outcome";
    public static final URI DATA_SCHEMA = URI.create("https://agenttriggers.io/schemas/run-outcome/v1");

    private RunOutcomeCodec() {
    }

    /**
     * @param producer the service that reached the terminal state, e.g. {@code /agent-dispatcher}
     */
    public static CloudEvent toCloudEvent(RunOutcome outcome, String producer) {
        byte[] data;
        try {
            data = EventJson.MAPPER.writeValueAsBytes(outcome);
        } catch (IOException e) {
            throw new InvalidEventException("outcome cannot be serialized", e);
        }
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(RunIds.next())
                .withSource(URI.create(producer))
                .withType(TYPE)
                .withSubject(outcome.runId())
                .withTime(outcome.finishedAt())
                .withDataContentType("application/json")
                .withDataSchema(DATA_SCHEMA)
                .withData(data)
                .withExtension(Extensions.TENANT_ID, outcome.tenantId())
                .withExtension(Extensions.RUN_ID, outcome.runId())
                .withExtension(Extensions.PARTITION_KEY,
                        TriggerEvent.partitionKeyOf(outcome.tenantId(), outcome.eventName()));
        if (outcome.triggerType() != null) {
            builder.withExtension(Extensions.TRIGGER_TYPE, outcome.triggerType());
        }
        return builder.build();
    }

    /**
     * Whether the outcome may belong to the trigger type, read from its extension without decoding the data: a
     * consumer that follows one trigger type skips the others' outcomes this cheaply. An outcome without the
     * extension (written before it existed) may belong to any type.
     */
    public static boolean mayBeOf(CloudEvent ce, String triggerType) {
        Object type = ce.getExtension(Extensions.TRIGGER_TYPE);
        return type == null || triggerType.equals(type.toString());
    }

    public static RunOutcome fromCloudEvent(CloudEvent ce) {
        if (ce == null || ce.getSpecVersion() != SpecVersion.V1 || !TYPE.equals(ce.getType())) {
            throw new InvalidEventException("not a run outcome event: " + (ce == null ? null : ce.getType()));
        }
        if (ce.getData() == null) {
            throw new InvalidEventException("outcome " + ce.getId() + " has no data");
        }
        try {
            return EventJson.MAPPER.readValue(ce.getData().toBytes(), RunOutcome.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException("outcome " + ce.getId() + " has invalid data: " + e.getMessage(), e);
        }
    }
}
