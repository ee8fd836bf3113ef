package io.agenttriggers.api.persistence;

import io.agenttriggers.common.versioned.VersionedRow;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** An API trigger's current version ({@code api.triggers}). */
@Entity
@Table(schema = "api", name = "triggers")
public class TriggerRow extends VersionedRow {

    /** Out of the JSON so that route conflicts are checked without parsing every trigger. */
    private String method;

    private String path;

    public String getMethod() {
        return method;
    }

    public void setMethod(String method) {
        this.method = method;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }
}
