package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.versioned.VersionedRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A schedule's current registration ({@code cron.schedules}); its "name" is the event name. Of the firing state it
 * maps only what a registration sets: the cluster, the pause flag and the next fire time. The firer's claims and
 * advances, and the last fire's columns, stay hand-written SQL on the same table.
 */
@Entity
@Table(schema = "cron", name = "schedules")
@AttributeOverride(name = "name", column = @Column(name = "event_name"))
public class ScheduleRow extends VersionedRow {

    private String cluster;

    private boolean paused;

    @Column(name = "next_fire_at")
    private OffsetDateTime nextFireAt;

    @Column(name = "due_at")
    private OffsetDateTime dueAt;

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public boolean isPaused() {
        return paused;
    }

    public void setNextFireAt(OffsetDateTime nextFireAt) {
        this.nextFireAt = nextFireAt;
    }

    public void setDueAt(OffsetDateTime dueAt) {
        this.dueAt = dueAt;
    }
}
