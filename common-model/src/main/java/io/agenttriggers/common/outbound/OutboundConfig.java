package io.agenttriggers.common.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Where outbound HTTP calls to URLs that tenants or events supply may go ({@link OutboundUrlPolicy}). */
@ConfigMapping(prefix = "triggers.outbound")
public interface OutboundConfig {

    /**
     * Destinations let through although private, loopback or link-local: host names ({@code runtime.internal},
     * {@code *.svc.cluster.local}), IP literals and CIDR blocks ({@code 10.0.0.0/8}); none by default.
     */
    Optional<List<String>> allow();

    /** Longest URL accepted, in characters. */
    @WithDefault("2048")
    int maxUrlLength();

    /** Largest response body read from a fallback, in bytes; a larger one fails the call. */
    @WithDefault("1048576")
    int maxResponseBytes();
}
