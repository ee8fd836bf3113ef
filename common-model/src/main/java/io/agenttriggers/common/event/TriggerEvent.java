package io.agenttriggers.common.event;

import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The normalized trigger event every ingress publishes (SPEC §3). It maps one to one onto a CloudEvent
 * through {@link TriggerEventCodec}.
 *
 * @param id           UUIDv7; also the run id returned to callers
 * @param source       {@code /webhooks/{endpointId}}, {@code /api/{triggerId}}, {@code /cron/{scheduleId}}, ...
 * @param type         the trigger type
 * @param eventName    the business event name (CloudEvent {@code subject})
 * @param time         when the outside world produced it
 * @param tenantId     owning tenant
 * @param dedupKey     idempotency key; the id when the source gives none
 * @param focus        optional hint for the agent
 * @param responseMode whether a caller waits for the result
 * @param deadline     optional time after which the result is no longer wanted
 * @param partitionKey Kafka key: tenant and event name, so one tenant's events of a name stay ordered
 * @param traceparent  optional W3C trace context
 * @param workflowId   the deployed workflow whose trigger produced it, if any (CloudEvent {@code workflowid})
 * @param data         payload, headers and dispatch options
 */
public record TriggerEvent(
        String id,
        String source,
        TriggerType type,
        String eventName,
        OffsetDateTime time,
        String tenantId,
        String dedupKey,
        String focus,
        ResponseMode responseMode,
        OffsetDateTime deadline,
        String partitionKey,
        String traceparent,
        String workflowId,
        TriggerData data) {

    /** Longest accepted tenant id, event name, dedup key or focus. */
    public static final int MAX_ATTRIBUTE_LENGTH = 512;

    public TriggerEvent {
        requireText(id, "id");
        requireText(source, "source");
        Objects.requireNonNull(type, "type");
        requireText(eventName, "eventName");
        Objects.requireNonNull(time, "time");
        requireText(tenantId, "tenantId");
        requireText(dedupKey, "dedupKey");
        Objects.requireNonNull(responseMode, "responseMode");
        requireText(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
        try {
            SourceUris.of(source);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("source is not a URI reference: " + source);
        }
        if (focus != null && focus.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new IllegalArgumentException("focus is longer than " + MAX_ATTRIBUTE_LENGTH);
        }
        if (workflowId != null) {
            requireText(workflowId, "workflowId");
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new IllegalArgumentException(name + " is longer than " + MAX_ATTRIBUTE_LENGTH);
        }
    }

    /** The same event carried on under another trace context (a span of the hop that passes it on). */
    public TriggerEvent withTraceparent(String traceparent) {
        return java.util.Objects.equals(traceparent, this.traceparent) ? this : new TriggerEvent(id, source, type,
                eventName, time, tenantId, dedupKey, focus, responseMode, deadline, partitionKey, traceparent, workflowId,
                data);
    }

    /** The partition key for a tenant's event name. */
    public static String partitionKeyOf(String tenantId, String eventName) {
        return tenantId + ":" + eventName;
    }

    /** Starts a new event with a fresh UUIDv7 id, received now. */
    public static Builder builder(TriggerType type, String source, String eventName, String tenantId) {
        return new Builder(type, source, eventName, tenantId);
    }

    /** Builds events; times are normalized to UTC with millisecond precision. */
    public static final class Builder {
        private final TriggerType type;
        private final String source;
        private final String eventName;
        private final String tenantId;
        private String id = RunIds.next();
        private OffsetDateTime time = OffsetDateTime.now(ZoneOffset.UTC);
        private String dedupKey;
        private String focus;
        private ResponseMode responseMode = ResponseMode.ASYNC;
        private OffsetDateTime deadline;
        private String traceparent;
        private String workflowId;
        private TriggerData data = TriggerData.of(null);

        private Builder(TriggerType type, String source, String eventName, String tenantId) {
            this.type = type;
            this.source = source;
            this.eventName = eventName;
            this.tenantId = tenantId;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder time(OffsetDateTime time) {
            this.time = time;
            return this;
        }

        public Builder dedupKey(String dedupKey) {
            this.dedupKey = dedupKey;
            return this;
        }

        public Builder focus(String focus) {
            this.focus = focus;
            return this;
        }

        public Builder responseMode(ResponseMode responseMode) {
            this.responseMode = responseMode;
            return this;
        }

        public Builder deadline(OffsetDateTime deadline) {
            this.deadline = deadline;
            return this;
        }

        public Builder traceparent(String traceparent) {
            this.traceparent = traceparent;
            return this;
        }

        /** Marks the event as one of a deployed workflow's (blank: none). */
        public Builder workflowId(String workflowId) {
            this.workflowId = workflowId;
            return this;
        }

        public Builder data(TriggerData data) {
            this.data = data;
            return this;
        }

        public TriggerEvent build() {
            return new TriggerEvent(id, source, type, eventName, normalize(time), tenantId,
                    dedupKey == null || dedupKey.isBlank() ? id : dedupKey, blankToNull(focus), responseMode,
                    normalize(deadline), partitionKeyOf(tenantId, eventName), blankToNull(traceparent),
                    blankToNull(workflowId), data);
        }

        private static OffsetDateTime normalize(OffsetDateTime t) {
            return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
