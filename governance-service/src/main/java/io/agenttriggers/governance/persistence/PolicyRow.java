package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.versioned.VersionedRow;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A policy's current version ({@code governance.policies}); a null tenant is a global policy. */
@Entity
@Table(schema = "governance", name = "policies")
public class PolicyRow extends VersionedRow {

    /** Out of the JSON so that the evaluation order can be read without parsing every policy. */
    private Integer priority;

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        this.priority = priority;
    }
}
