package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agenttriggers.common.security.SecretBox;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an endpoint authenticates its sender. */
public enum AuthType {
    NONE, BEARER, BASIC, HMAC, GITHUB, STRIPE, SLACK, STANDARD_WEBHOOKS, SHOPIFY,
    /** Deliveries come through the GitHub App's one URL, verified with the App's secret (docs/webhooks.md). */
    GITHUB_APP;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static AuthType fromWire(String wire) {
        for (AuthType t : values()) {
            if (t.wire().equals(wire)) {
                return t;
            }
        }
        throw new IllegalArgumentException("auth.type must be one of "
                + Arrays.stream(values()).map(AuthType::wire).collect(Collectors.joining(", ")) + ", not " + wire);
    }

    /** Whether the endpoint has a secret of its own (an open endpoint has none; a GitHub App one uses the App's). */
    public boolean hasSecret() {
        return this != NONE && this != GITHUB_APP;
    }

    /** A new random secret fit for the scheme ({@code whsec_}+base64 for Standard Webhooks). */
    public String newSecret() {
        return this == STANDARD_WEBHOOKS ? SecretBox.generateStandardWebhooks() : SecretBox.generate();
    }

    /** Whether the scheme is GitHub's: events named after {@code X-GitHub-Event}, the ping answered, GitHub filters. */
    public boolean github() {
        return this == GITHUB || this == GITHUB_APP;
    }
}
