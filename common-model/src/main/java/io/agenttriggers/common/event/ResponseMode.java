package io.agenttriggers.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether the caller waits for the run's result ({@code sync}) or only gets a run id ({@code async}). */
public enum ResponseMode {
    SYNC, ASYNC;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ResponseMode fromWire(String wire) {
        for (ResponseMode m : values()) {
            if (m.wire().equals(wire)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown response mode: " + wire + " (expected sync or async)");
    }
}
