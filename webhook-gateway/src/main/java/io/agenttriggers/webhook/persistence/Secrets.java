package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.security.SecretBox;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Holds the at-rest encryption key; the service refuses to start without a valid one. */
@Startup
@ApplicationScoped
public class Secrets {

    @Inject
    WebhookGatewayConfig config;

    private SecretBox box;

    @PostConstruct
    void init() {
        String key = config.secretsKey().orElseThrow(() -> new IllegalStateException(
                "TRIGGERS_SECRETS_KEY is not set: give the webhook-gateway a base64 AES-256 key "
                        + "(e.g. `head -c 32 /dev/urandom | base64`) to encrypt endpoint secrets at rest"));
        box = new SecretBox(key);
    }

    public SecretBox box() {
        return box;
    }
}
