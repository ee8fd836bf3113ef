package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an endpoint authenticates its sender. */
public enum AuthType {
    NONE, BEARER, BASIC, HMAC, GITHUB, STRIPE, SLACK, STANDARD_WEBHOOKS, SHOPIFY;

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

    /** Whether requests carry an HMAC over the body (as opposed to a token or nothing). */
    public boolean signs() {
        return this != NONE && this != BEARER && this != BASIC;
    }
}
