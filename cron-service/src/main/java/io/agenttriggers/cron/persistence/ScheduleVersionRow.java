package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.versioned.VersionRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One snapshot of a schedule's registration ({@code cron.schedule_versions}). */
@Entity
@Table(schema = "cron", name = "schedule_versions")
@AttributeOverride(name = "ownerId", column = @Column(name = "schedule_id"))
public class ScheduleVersionRow extends VersionRow {
}
