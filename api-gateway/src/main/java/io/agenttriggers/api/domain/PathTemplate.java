package io.agenttriggers.api.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A trigger path such as {@code /api/v1/orders/{orderId}/analyse}: literal segments and whole-segment templates.
 * Two templates have the same {@link #shape()} when they match exactly the same paths (then they conflict).
 */
public final class PathTemplate {

    /** Longest accepted template, and most segments in one. */
    public static final int MAX_LENGTH = 512;
    public static final int MAX_SEGMENTS = 32;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@-]+");

    private final String text;
    /** Per segment: the literal, or null for a template. */
    private final List<String> literals;
    /** Per segment: the template's variable name, or null for a literal. */
    private final List<String> names;

    private PathTemplate(String text, List<String> literals, List<String> names) {
        this.text = text;
        this.literals = literals;
        this.names = names;
    }

    /** Parses a template; {@link IllegalArgumentException} says what is wrong in words a user can act on. */
    public static PathTemplate parse(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("must start with /");
        }
        if (path.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters");
        }
        String trimmed = RouteTable.normalize(path);
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (!trimmed.equals("/")) {
            for (String segment : trimmed.substring(1).split("/", -1)) {
                if (segment.isEmpty()) {
                    throw new IllegalArgumentException("has an empty segment (//)");
                }
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    String name = segment.substring(1, segment.length() - 1);
                    if (!NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException("template {" + name + "} must be a name of letters, "
                                + "digits and _ (not starting with a digit)");
                    }
                    if (names.contains(name)) {
                        throw new IllegalArgumentException("uses {" + name + "} twice");
                    }
                    literals.add(null);
                    names.add(name);
                } else if (LITERAL.matcher(segment).matches()) {
                    literals.add(segment);
                    names.add(null);
                } else {
                    throw new IllegalArgumentException("segment '" + segment + "' must be a whole {name} template "
                            + "or URL-safe characters");
                }
            }
        }
        if (literals.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException("has more than " + MAX_SEGMENTS + " segments");
        }
        return new PathTemplate(trimmed, java.util.Collections.unmodifiableList(literals),
                java.util.Collections.unmodifiableList(names));
    }

    public String text() {
        return text;
    }

    public int size() {
        return literals.size();
    }

    /** The literal at a segment, or null where the template has a variable. */
    public String literal(int segment) {
        return literals.get(segment);
    }

    public String name(int segment) {
        return names.get(segment);
    }

    public boolean hasVariables() {
        return names.stream().anyMatch(java.util.Objects::nonNull);
    }

    /** The template with variable names erased: equal shapes match the same paths. */
    public String shape() {
        StringBuilder out = new StringBuilder();
        for (String literal : literals) {
            out.append('/').append(literal == null ? "{}" : literal);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    /** The variables' values for a path split into segments (the template matched it). */
    public Map<String, String> values(List<String> segments) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null) {
                out.put(names.get(i), segments.get(i));
            }
        }
        return out;
    }

    /** Whether the path's segments match this template. */
    public boolean matches(List<String> segments) {
        if (segments.size() != literals.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            if (literals.get(i) != null && !literals.get(i).equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether some request path matches both templates. Segments are whole and there are no wildcards, so that is
     * the same number of segments and no position where both have a literal and the literals differ.
     */
    public boolean overlaps(PathTemplate other) {
        if (size() != other.size()) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            String mine = literals.get(i);
            String theirs = other.literals.get(i);
            if (mine != null && theirs != null && !mine.equals(theirs)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Specificity order of two templates that match the same path: at the first segment where they differ, the
     * literal wins. Positive when this one is more specific.
     */
    public int compareSpecificity(PathTemplate other) {
        int n = Math.min(size(), other.size());
        for (int i = 0; i < n; i++) {
            boolean mine = literals.get(i) != null;
            boolean theirs = other.literals.get(i) != null;
            if (mine != theirs) {
                return mine ? 1 : -1;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
