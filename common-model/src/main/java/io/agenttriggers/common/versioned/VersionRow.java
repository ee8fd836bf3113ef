package io.agenttriggers.common.versioned;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.MappedSuperclass;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * One snapshot in a configuration's history: the whole configuration as it was at {@code version}, and what made
 * it ({@code created}, {@code updated}, {@code rolled_back_to_3}, ...). A service's entity names its table and, with
 * {@code @AttributeOverride(name = "ownerId")}, the column that references the current row.
 */
@MappedSuperclass
@IdClass(VersionRow.Key.class)
public abstract class VersionRow {

    @Id
    @Column(name = "owner_id")
    private UUID ownerId;

    @Id
    private int version;

    @ColumnTransformer(read = "config::text", write = "cast(cast(? as text) as jsonb)")
    private String config;

    private String change;

    @Column(name = "changed_at")
    private OffsetDateTime changedAt;

    public UUID getOwnerId() {
        return ownerId;
    }

    public int getVersion() {
        return version;
    }

    public String getConfig() {
        return config;
    }

    public String getChange() {
        return change;
    }

    public OffsetDateTime getChangedAt() {
        return changedAt;
    }

    void fill(VersionedRow row, String change) {
        this.ownerId = row.getId();
        this.version = row.getVersion();
        this.config = row.getConfig();
        this.change = change;
        this.changedAt = row.getUpdatedAt();
    }

    /** The history's key: the configuration and its version. */
    public static class Key implements Serializable {

        private UUID ownerId;
        private int version;

        public Key() {
        }

        public Key(UUID ownerId, int version) {
            this.ownerId = ownerId;
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && version == k.version && Objects.equals(ownerId, k.ownerId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(ownerId, version);
        }
    }
}
