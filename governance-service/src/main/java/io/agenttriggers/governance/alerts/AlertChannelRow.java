package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.versioned.VersionedRow;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * A notification channel's current version ({@code governance.alert_channels}). Its secret (a webhook's signing
 * secret, a Slack incoming-webhook URL) is AES-GCM ciphertext outside the configuration, so no snapshot holds it.
 */
@Entity
@Table(schema = "governance", name = "alert_channels")
public class AlertChannelRow extends VersionedRow {

    private byte[] secret;

    public byte[] getSecret() {
        return secret;
    }

    public void setSecret(byte[] secret) {
        this.secret = secret;
    }
}
