package io.agenttriggers.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The life of a run: {@code queued → running → succeeded | failed | fallback_succeeded | dead_lettered},
 * or {@code rejected} by governance, or {@code duplicate} of an earlier run.
 */
public enum RunStatus {
    QUEUED(false),
    RUNNING(false),
    SUCCEEDED(true),
    FAILED(true),
    FALLBACK_SUCCEEDED(true),
    DEAD_LETTERED(true),
    REJECTED(true),
    DUPLICATE(true);

    private final boolean terminal;

    RunStatus(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus fromWire(String wire) {
        for (RunStatus s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run status: " + wire);
    }
}
