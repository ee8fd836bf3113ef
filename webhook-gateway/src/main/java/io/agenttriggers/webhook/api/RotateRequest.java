package io.agenttriggers.webhook.api;

import java.time.Duration;

/**
 * The body of {@code POST /api/v1/endpoints/{id}/rotate-secret}, all optional: the new secret (generated when
 * absent) and how long the old one keeps verifying (default PT24H, at most P7D).
 */
public record RotateRequest(String secret, Duration gracePeriod) {
}
