package io.agenttriggers.api.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cleans a request body before it becomes an event: control characters are stripped from every string (keys too),
 * except tab, line feed and carriage return; fields whose name is listed (case-insensitively) are dropped at any
 * depth. Nothing else changes: numbers, booleans, nulls, order and every other character stay as they were.
 */
public final class Sanitizer {

    private final Set<String> drop;

    public Sanitizer(Set<String> dropFields) {
        this.drop = dropFields.stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** A sanitizer adding the trigger's own fields to drop. */
    public Sanitizer with(Set<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        java.util.HashSet<String> all = new java.util.HashSet<>(drop);
        all.addAll(more);
        return new Sanitizer(all);
    }

    public JsonNode sanitize(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            String text = node.textValue();
            String clean = clean(text);
            return clean == text ? node : TextNode.valueOf(clean);
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = clean(e.getKey());
                if (!drop.contains(key.toLowerCase(Locale.ROOT))) {
                    out.set(key, sanitize(e.getValue()));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(n -> out.add(sanitize(n)));
            return out;
        }
        return node;
    }

    /** Whether a character is one {@link #sanitize} strips. */
    public static boolean isStripped(char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f);
    }

    /** The text without stripped characters; the same instance when there is none. */
    public static String clean(String text) {
        int i = 0;
        while (i < text.length() && !isStripped(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isStripped(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
