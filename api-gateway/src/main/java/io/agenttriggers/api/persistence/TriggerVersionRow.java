package io.agenttriggers.api.persistence;

import io.agenttriggers.common.versioned.VersionRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One snapshot of an API trigger ({@code api.trigger_versions}). */
@Entity
@Table(schema = "api", name = "trigger_versions")
@AttributeOverride(name = "ownerId", column = @Column(name = "trigger_id"))
public class TriggerVersionRow extends VersionRow {
}
