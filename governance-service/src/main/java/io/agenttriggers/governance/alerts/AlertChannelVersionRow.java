package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.versioned.VersionRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One snapshot of a channel, without its secret ({@code governance.alert_channel_versions}). */
@Entity
@Table(schema = "governance", name = "alert_channel_versions")
@AttributeOverride(name = "ownerId", column = @Column(name = "channel_id"))
public class AlertChannelVersionRow extends VersionRow {
}
