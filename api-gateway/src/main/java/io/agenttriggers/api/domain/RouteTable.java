package io.agenttriggers.api.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the API trigger for a method and path. Templates are kept in a segment trie; a lookup tries the literal
 * child before the template child at every level, so the first match found is the most specific one (at the first
 * segment where two candidates differ, the literal wins). Immutable: a change builds a new table.
 */
public final class RouteTable {

    /** A match: the trigger and its template's values. */
    public record Match(ApiTrigger trigger, Map<String, String> params) {
    }

    private static final class Node {
        final Map<String, Node> literals = new HashMap<>();
        Node variable;
        /** Triggers ending here, by method. */
        final Map<String, ApiTrigger> methods = new HashMap<>();
    }

    private final Node root = new Node();
    private final List<ApiTrigger> all = new ArrayList<>();

    public RouteTable(List<ApiTrigger> triggers) {
        for (ApiTrigger t : triggers) {
            Node node = root;
            PathTemplate template = t.template();
            for (int i = 0; i < template.size(); i++) {
                String literal = template.literal(i);
                if (literal == null) {
                    if (node.variable == null) {
                        node.variable = new Node();
                    }
                    node = node.variable;
                } else {
                    node = node.literals.computeIfAbsent(literal, l -> new Node());
                }
            }
            String method = t.method().toUpperCase(Locale.ROOT);
            ApiTrigger previous = node.methods.put(method, t);
            if (previous != null) {
                throw new IllegalArgumentException("API triggers " + previous.id() + " and " + t.id()
                        + " both claim " + method + " " + template.shape());
            }
            all.add(t);
        }
    }

    public static RouteTable empty() {
        return new RouteTable(List.of());
    }

    /** The most specific trigger serving the method at the path. */
    public Optional<Match> find(String method, String path) {
        List<String> segments = segments(path);
        ApiTrigger found = find(root, segments, 0, method.toUpperCase(Locale.ROOT));
        return found == null ? Optional.empty() : Optional.of(new Match(found, found.template().values(segments)));
    }

    private static ApiTrigger find(Node node, List<String> segments, int index, String method) {
        if (index == segments.size()) {
            return node.methods.get(method);
        }
        Node literal = node.literals.get(segments.get(index));
        if (literal != null) {
            ApiTrigger found = find(literal, segments, index + 1, method);
            if (found != null) {
                return found;
            }
        }
        return node.variable == null ? null : find(node.variable, segments, index + 1, method);
    }

    /** Methods served at the path by any template (for a 405 answer's {@code Allow} header). */
    public List<String> methodsAt(String path) {
        TreeSet<String> out = new TreeSet<>();
        collect(root, segments(path), 0, out);
        return new ArrayList<>(out);
    }

    private static void collect(Node node, List<String> segments, int index, TreeSet<String> out) {
        if (index == segments.size()) {
            out.addAll(node.methods.keySet());
            return;
        }
        Node literal = node.literals.get(segments.get(index));
        if (literal != null) {
            collect(literal, segments, index + 1, out);
        }
        if (node.variable != null) {
            collect(node.variable, segments, index + 1, out);
        }
    }

    public List<ApiTrigger> all() {
        return List.copyOf(all);
    }

    /** Triggers by id. */
    public Map<String, ApiTrigger> byId() {
        Map<String, ApiTrigger> out = new LinkedHashMap<>();
        all.forEach(t -> out.put(t.id(), t));
        return out;
    }

    /** A request path's segments (empty for {@code /}). */
    public static List<String> segments(String path) {
        String p = normalize(path);
        return p.equals("/") ? List.of() : List.of(p.substring(1).split("/", -1));
    }

    static String normalize(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
