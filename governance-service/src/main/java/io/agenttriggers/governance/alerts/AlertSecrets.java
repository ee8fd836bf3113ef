package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.SecretBox;
import io.agenttriggers.governance.config.GovernanceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Seals and opens channel secrets with the installation's at-rest key. Without a key the service still runs (it
 * governs); only channels that hold a secret cannot be created, which the API says.
 */
@ApplicationScoped
public class AlertSecrets {

    private final SecretBox box;

    @Inject
    public AlertSecrets(GovernanceConfig config) {
        box = config.alerts().secretsKey().map(SecretBox::new).orElse(null);
    }

    public byte[] seal(String secret) {
        if (box == null) {
            throw new ProblemException(503, "secrets_key_missing", "Service unavailable", "This installation has no "
                    + "TRIGGERS_SECRETS_KEY, so channels with a secret (webhook, slack) cannot be created");
        }
        return box.seal(secret);
    }

    public String open(byte[] sealed) {
        if (box == null) {
            throw new IllegalStateException("TRIGGERS_SECRETS_KEY is not set; a channel secret cannot be opened");
        }
        return box.open(sealed);
    }
}
