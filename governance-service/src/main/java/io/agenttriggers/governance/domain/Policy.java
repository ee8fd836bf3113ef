package io.agenttriggers.governance.domain;

import java.time.OffsetDateTime;

/**
 * A stored policy: its identity, current version and configuration.
 *
 * @param managedBy {@code api} or {@code file} (declarative, refuses REST edits)
 */
public record Policy(String id, int version, String managedBy, PolicySpec spec, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {
}
