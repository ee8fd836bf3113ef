package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.versioned.VersionedRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * An endpoint's current version ({@code webhook.endpoints}). Its secrets are AES-GCM ciphertext outside the
 * configuration, so that no version snapshot ever holds one.
 */
@Entity
@Table(schema = "webhook", name = "endpoints")
public class EndpointRow extends VersionedRow {

    @Column(name = "event_name")
    private String eventName;

    private byte[] secret;

    @Column(name = "previous_secret")
    private byte[] previousSecret;

    @Column(name = "previous_secret_expires_at")
    private OffsetDateTime previousSecretExpiresAt;

    public String getEventName() {
        return eventName;
    }

    public void setEventName(String eventName) {
        this.eventName = eventName;
    }

    public byte[] getSecret() {
        return secret;
    }

    public void setSecret(byte[] secret) {
        this.secret = secret;
    }

    public byte[] getPreviousSecret() {
        return previousSecret;
    }

    public OffsetDateTime getPreviousSecretExpiresAt() {
        return previousSecretExpiresAt;
    }

    /** Makes {@code sealed} the secret; the one it replaces keeps verifying until {@code previousExpiresAt}. */
    public void rotate(byte[] sealed, OffsetDateTime previousExpiresAt) {
        this.previousSecret = secret;
        this.previousSecretExpiresAt = previousExpiresAt;
        this.secret = sealed;
    }
}
