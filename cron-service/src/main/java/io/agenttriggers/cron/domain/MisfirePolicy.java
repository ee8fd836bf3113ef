package io.agenttriggers.cron.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happens to fire times that passed while no replica could fire them (downtime). */
public enum MisfirePolicy {
    SKIP, FIRE_ONCE, CATCH_UP;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static MisfirePolicy fromWire(String wire) {
        for (MisfirePolicy p : values()) {
            if (p.wire().equals(wire)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown misfirePolicy '" + wire + "'");
    }
}
