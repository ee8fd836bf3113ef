package io.agenttriggers.common.event;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/** Run ids: UUIDv7 (time-ordered, so ledger indexes stay append-friendly). The event id is the run id. */
public final class RunIds {

    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private RunIds() {
    }

    public static String next() {
        return GENERATOR.generate().toString();
    }

    /**
     * When a run id was made (the millisecond a UUIDv7 carries: the ingress accepted the event then), or null for an
     * id that is not a run id of ours.
     */
    public static java.time.Instant timeOf(String runId) {
        if (!isRunId(runId)) {
            return null;
        }
        return java.time.Instant.ofEpochMilli(UUID.fromString(runId).getMostSignificantBits() >>> 16);
    }

    /** True for a canonical UUID string of version 7. */
    /** The UUID of an id from a URL, or null when it is not one (so a lookup answers 404, not 400 or 500). */
    public static java.util.UUID uuidOrNull(String id) {
        try {
            return id == null || id.length() != 36 ? null : java.util.UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static boolean isRunId(String candidate) {
        if (candidate == null || candidate.length() != 36) {
            return false;
        }
        try {
            UUID uuid = UUID.fromString(candidate);
            return uuid.version() == 7 && uuid.toString().equalsIgnoreCase(candidate);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
