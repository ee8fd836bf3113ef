package io.agenttriggers.common.versioned;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * The current version of one piece of declarative configuration: who it belongs to, its name, its version and
 * owner, and its whole configuration as JSON (so that every version is a complete snapshot). A service's entity adds
 * the columns it filters on or keeps outside the snapshot (secrets, priorities).
 */
@MappedSuperclass
public abstract class VersionedRow {

    @Id
    private UUID id;

    @Column(name = "tenant_id")
    private String tenantId;

    private String name;

    private boolean enabled;

    private int version;

    @Column(name = "managed_by")
    private String managedBy;

    /** jsonb in the table; the reactive client would bind a Java string as a JSON string, hence the text cast. */
    @ColumnTransformer(read = "config::text", write = "cast(cast(? as text) as jsonb)")
    private String config;

    @Column(name = "created_at")
    private OffsetDateTime createdAt;

    @Column(name = "updated_at")
    private OffsetDateTime updatedAt;

    public UUID getId() {
        return id;
    }

    public void setId(UUID id) {
        this.id = id;
    }

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getVersion() {
        return version;
    }

    void setVersion(int version) {
        this.version = version;
    }

    public String getManagedBy() {
        return managedBy;
    }

    public void setManagedBy(String managedBy) {
        this.managedBy = managedBy;
    }

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    /** Stamps a write: PostgreSQL keeps microseconds, so the answer to a write reads as the row will later. */
    void touch(boolean created) {
        OffsetDateTime now = OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
        if (created) {
            createdAt = now;
        }
        updatedAt = now;
    }
}
