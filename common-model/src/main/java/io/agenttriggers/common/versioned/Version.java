package io.agenttriggers.common.versioned;

import java.time.OffsetDateTime;

/** One snapshot of a configuration, as the versions APIs answer it. */
public record Version<S>(int version, S config, String change, OffsetDateTime changedAt) {
}
