package io.agenttriggers.queue.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the declared sources from two places with one set of field names: dotted configuration keys
 * ({@code triggers.queue.sources.<name>.<field>[.<field>]}, e.g. {@code ...team-events.kafka.topic}, so any
 * Quarkus config source works) and a YAML file ({@code sources: [{name: ..., ...}]}). Lists in keys are
 * comma-separated; field names may be kebab-case ({@code event-name.json-path}); everything after
 * {@code kafka.properties.} is one Kafka property name, passed as written.
 */
public final class SourceCatalog {

    public static final String PREFIX = "triggers.queue.sources.";
    private static final Set<String> LIST_FIELDS = Set.of("headers");

    /** The sources and what is wrong with them; a catalog with errors starts nothing. */
    public record Loaded(List<SourceSpec> sources, List<String> errors) {
    }

    private SourceCatalog() {
    }

    /**
     * @param properties every configuration key under {@link #PREFIX} with its value
     * @param fileText   the sources file's text, or null
     * @param env        environment lookup for the file's placeholders
     * @param urls       the outbound URL policy the sources' fallback URLs must pass
     */
    public static Loaded load(Map<String, String> properties, String fileText, Function<String, String> env,
            OutboundUrlPolicy urls) {
        List<String> errors = new ArrayList<>();
        List<SourceSpec> sources = new ArrayList<>(fromProperties(properties, errors));
        if (fileText != null) {
            sources.addAll(DeclarativeFiles.entries(fileText, "sources", SourceSpec.class, env, errors));
        }
        if (errors.isEmpty()) {
            errors.addAll(SourceValidator.validate(sources, urls));
        }
        return new Loaded(List.copyOf(sources), List.copyOf(errors));
    }

    /** Reads a file for {@link #load}; a missing or unreadable file is an error, not an empty catalog. */
    public static String readFile(String file, List<String> errors) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            errors.add("sources file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    static List<SourceSpec> fromProperties(Map<String, String> properties, List<String> errors) {
        Map<String, ObjectNode> byName = new TreeMap<>();
        for (var entry : new TreeMap<>(properties).entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                errors.add("configuration key " + key + " names no source field");
                continue;
            }
            String name = rest.substring(0, dot);
            ObjectNode node = byName.computeIfAbsent(name, n -> {
                ObjectNode o = DeclarativeFiles.YAML.createObjectNode();
                o.put("name", n);
                return o;
            });
            put(node, rest.substring(dot + 1), entry.getValue(), key, errors);
        }
        List<SourceSpec> specs = new ArrayList<>();
        for (var e : byName.entrySet()) {
            try {
                specs.add(DeclarativeFiles.YAML.treeToValue(e.getValue(), SourceSpec.class));
            } catch (IOException | IllegalArgumentException ex) {
                // The first line of Jackson's message names the field; it never quotes the value.
                errors.add("source " + e.getKey() + ": " + firstLine(ex.getMessage()));
            }
        }
        return specs;
    }

    private static void put(ObjectNode node, String path, String value, String key, List<String> errors) {
        String[] parts;
        if (path.startsWith("kafka.properties.") && path.length() > "kafka.properties.".length()) {
            parts = new String[] {"kafka", "properties", path.substring("kafka.properties.".length())};
        } else {
            parts = path.split("\\.");
            for (int i = 0; i < parts.length; i++) {
                parts[i] = camel(parts[i]);
            }
        }
        ObjectNode at = node;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = at.get(parts[i]);
            if (child == null) {
                at = at.putObject(parts[i]);
            } else if (child instanceof ObjectNode o) {
                at = o;
            } else {
                errors.add("configuration key " + key + " nests under a plain value");
                return;
            }
        }
        String leaf = parts[parts.length - 1];
        if (LIST_FIELDS.contains(leaf) && at == node || "routingKeys".equals(leaf)) {
            ArrayNode list = at.putArray(leaf);
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    list.add(item.trim());
                }
            }
        } else if (at.get(leaf) instanceof ObjectNode) {
            errors.add("configuration key " + key + " is both a value and a group");
        } else {
            at.put(leaf, value);
        }
    }

    /** {@code event-name} → {@code eventName}: Quarkus keys are kebab-case, the fields camelCase. */
    static String camel(String kebab) {
        StringBuilder out = new StringBuilder(kebab.length());
        boolean up = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        String line = message.split("\n")[0];
        // Jackson quotes the offending value ("Cannot deserialize value of type ... from String \"x\""); a value
        // could be a credential, so keep only what precedes it.
        int quote = line.indexOf(" from String ");
        return quote > 0 ? line.substring(0, quote) : line;
    }
}
