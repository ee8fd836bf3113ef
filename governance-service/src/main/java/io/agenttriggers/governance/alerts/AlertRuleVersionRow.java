package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.versioned.VersionRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One snapshot of an alert rule ({@code governance.alert_rule_versions}). */
@Entity
@Table(schema = "governance", name = "alert_rule_versions")
@AttributeOverride(name = "ownerId", column = @Column(name = "rule_id"))
public class AlertRuleVersionRow extends VersionRow {
}
