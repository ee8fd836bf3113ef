package io.agenttriggers.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** When the fallback URL runs: only after the agent path failed, instead of the agent, or never. */
public enum FallbackStrategy {
    ON_FAILURE, ALWAYS, NEVER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static FallbackStrategy fromWire(String wire) {
        for (FallbackStrategy s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown fallback strategy: " + wire);
    }
}
