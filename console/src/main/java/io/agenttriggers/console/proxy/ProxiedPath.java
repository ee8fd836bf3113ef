package io.agenttriggers.console.proxy;

import java.util.Locale;

/**
 * Which service paths the console passes on: the public management and dashboard APIs ({@code /api/v1/...},
 * {@code /admin/v1/...}). Internal APIs ({@code /internal/}), management endpoints ({@code /q/}), a tenant's
 * trigger routes and anything that could climb out of those prefixes are refused before a byte reaches a service.
 */
final class ProxiedPath {

    private ProxiedPath() {
    }

    /** Why {@code path} (the part after the service name, with its query) is refused, or null when it passes. */
    static String refusal(String path, String method) {
        String bare = path.split("\\?", 2)[0];
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")
                || lower.contains("\\")
                || lower.contains("/./") || lower.contains("/../") || lower.endsWith("/..") || lower.endsWith("/.")
                || lower.contains("//")) {
            return "Paths are passed as they are: no dot segments, encoded dots, slashes or percent signs, or empty segments";
        }
        if (!lower.startsWith("/api/v1/") && !lower.startsWith("/admin/v1/")) {
            return "The console passes calls to /api/v1/ and /admin/v1/ only";
        }
        if (lower.startsWith("/api/v1/public/") && !"GET".equals(method)) {
            return "Public trigger URLs are for their senders, not the console";
        }
        return null;
    }
}
