package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.versioned.VersionedRow;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** An alert rule's current version ({@code governance.alert_rules}). */
@Entity
@Table(schema = "governance", name = "alert_rules")
public class AlertRuleRow extends VersionedRow {
}
