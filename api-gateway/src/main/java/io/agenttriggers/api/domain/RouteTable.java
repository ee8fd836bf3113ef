package io.agenttriggers.api.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Finds the API trigger for a method and path. */
public final class RouteTable {

    private final Map<String, Map<String, ApiTrigger>> byPath = new HashMap<>();

    public RouteTable(List<ApiTrigger> triggers) {
        for (ApiTrigger t : triggers) {
            String method = t.method().toUpperCase(Locale.ROOT);
            ApiTrigger previous = byPath.computeIfAbsent(normalize(t.path()), p -> new HashMap<>()).put(method, t);
            if (previous != null) {
                throw new IllegalArgumentException("API triggers " + previous.id() + " and " + t.id()
                        + " both claim " + method + " " + t.path());
            }
        }
    }

    public Optional<ApiTrigger> find(String method, String path) {
        Map<String, ApiTrigger> methods = byPath.get(normalize(path));
        return methods == null ? Optional.empty() : Optional.ofNullable(methods.get(method.toUpperCase(Locale.ROOT)));
    }

    /** Methods served at the path (for a 405 answer's {@code Allow} header). */
    public List<String> methodsAt(String path) {
        Map<String, ApiTrigger> methods = byPath.get(normalize(path));
        return methods == null ? List.of() : new ArrayList<>(methods.keySet());
    }

    public List<ApiTrigger> all() {
        List<ApiTrigger> out = new ArrayList<>();
        byPath.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    static String normalize(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
