package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.versioned.VersionRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One snapshot of a policy ({@code governance.policy_versions}). */
@Entity
@Table(schema = "governance", name = "policy_versions")
@AttributeOverride(name = "ownerId", column = @Column(name = "policy_id"))
public class PolicyVersionRow extends VersionRow {
}
