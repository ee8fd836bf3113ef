package io.agenttriggers.common.event;

import java.util.Locale;

/** Where a trigger came from; the CloudEvent {@code type} is {@code io.agenttriggers.trigger.<wire>}. */
public enum TriggerType {
    WEBHOOK, API, CRON, QUEUE, MANUAL, EMAIL, GITHUB;

    /** Prefix of every trigger event's CloudEvent type. */
    public static final String CE_TYPE_PREFIX = "io.agenttriggers.trigger.";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String ceType() {
        return CE_TYPE_PREFIX + wire();
    }

    /** Parses a CloudEvent type such as {@code io.agenttriggers.trigger.api}. */
    public static TriggerType fromCeType(String ceType) {
        if (ceType == null || !ceType.startsWith(CE_TYPE_PREFIX)) {
            throw new IllegalArgumentException("not a trigger event type: " + ceType);
        }
        return fromWire(ceType.substring(CE_TYPE_PREFIX.length()));
    }

    public static TriggerType fromWire(String wire) {
        for (TriggerType t : values()) {
            if (t.wire().equals(wire)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown trigger type: " + wire);
    }
}
