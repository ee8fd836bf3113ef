package io.agenttriggers.common.versioned;

/** The caller's expected version (from {@code If-Match}) is not the current one, which {@link #current} holds. */
public class VersionConflict extends RuntimeException {

    public final int current;

    public VersionConflict(int current) {
        super(null, null, false, false);
        this.current = current;
    }
}
