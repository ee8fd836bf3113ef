package io.agenttriggers.cron.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a fire does while the schedule's previous run is still going. */
public enum OverlapPolicy {
    ALLOW, SKIP, BUFFER_ONE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static OverlapPolicy fromWire(String wire) {
        for (OverlapPolicy p : values()) {
            if (p.wire().equals(wire)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown overlapPolicy '" + wire + "'");
    }
}
