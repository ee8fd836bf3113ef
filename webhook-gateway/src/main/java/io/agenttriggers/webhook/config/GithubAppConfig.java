package io.agenttriggers.webhook.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The GitHub App this installation runs as (docs/webhooks.md, "GitHub App"). Unset {@code id} means no App: its
 * webhook URL answers 404 {@code github_app_not_configured}.
 */
@ConfigMapping(prefix = "triggers.github-app")
public interface GithubAppConfig {

    /** The App's id (GitHub shows it on the App's settings page). */
    Optional<String> id();

    /** The App's private key, PEM (PKCS#1 as GitHub hands it out, or PKCS#8); from a Secret through the environment. */
    Optional<String> privateKey();

    /** A file holding the private key (a mounted Secret); used when {@code private-key} is unset. */
    Optional<String> privateKeyFile();

    /** The App's webhook secret: every delivery to the App URL is verified with it ({@code X-Hub-Signature-256}). */
    Optional<String> webhookSecret();

    /** GitHub's REST API; {@code https://HOST/api/v3} for GitHub Enterprise Server. */
    @WithDefault("https://api.github.com")
    String apiUrl();

    /**
     * Which tenant each installation belongs to, {@code installationId=tenant} pairs separated by commas. A delivery
     * from an installation not listed reaches no endpoint: the operator decides whose repositories a tenant sees, not
     * the tenant.
     */
    Optional<String> installations();

    /**
     * How long the repository context of one delivery may take in all; past it the event goes on with the context
     * marked incomplete. Well inside GitHub's 10 s delivery timeout.
     */
    @WithDefault("PT4S")
    Duration contextTimeout();

    /** Threads fetching repository context (hub4j's client blocks), so a slow GitHub never holds an event loop. */
    @WithDefault("4")
    int contextThreads();

    /** Fetches that may wait for a thread; past it a delivery goes on at once with its context marked incomplete. */
    @WithDefault("64")
    int contextQueue();

    /** Most App endpoints one delivery fans out to (per tenant); the rest are reported as skipped. */
    @WithDefault("100")
    int maxEndpoints();
}
