package io.agenttriggers.common.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Looks at a schema document before the library does: its size, its shape and what it points at. The library's
 * own loader refusal ({@link LocalOnlySchemaLoader}) is the guarantee; this gives the tenant a message that quotes
 * what they wrote, and catches the shapes that are cheap to compile but costly to validate.
 */
final class SchemaInspector {

    /** Keywords whose values are instance data, not subschemas: a {@code $ref} inside one is just a string. */
    private static final Set<String> DATA_KEYWORDS = Set.of("const", "enum", "default", "examples");
    private static final Set<String> REF_KEYWORDS = Set.of("$ref", "$dynamicRef", "$recursiveRef");
    private static final Set<String> DIALECTS = Set.of(
            "json-schema.org/draft-04/schema", "json-schema.org/draft-06/schema", "json-schema.org/draft-07/schema",
            "json-schema.org/draft/2019-09/schema", "json-schema.org/draft/2020-12/schema");
    private static final String META = "json-schema.org/draft/20";

    private final JsonNode root;
    private final Set<String> ids = new HashSet<>();
    private final Map<JsonNode, Long> expanded = new IdentityHashMap<>();
    private final Set<JsonNode> onPath = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private int nodes;

    private SchemaInspector(JsonNode root) {
        this.root = root;
    }

    /** Throws {@link SchemaRefusedException} naming the first problem found. */
    static void inspect(JsonNode schema) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            throw new SchemaRefusedException("must be a JSON Schema (an object or a boolean)");
        }
        if (schema.toString().length() > SafeSchemas.MAX_CHARS) {
            throw new SchemaRefusedException("must be at most " + SafeSchemas.MAX_CHARS + " characters of JSON");
        }
        SchemaInspector inspector = new SchemaInspector(schema);
        inspector.walk(schema, 1);
        inspector.checkRefs(schema);
        if (inspector.cost(schema) > SafeSchemas.MAX_EXPANDED_SUBSCHEMAS) {
            throw new SchemaRefusedException("expands to more than " + SafeSchemas.MAX_EXPANDED_SUBSCHEMAS
                    + " subschemas through its $refs; reuse fewer definitions inside each other");
        }
    }

    /** Depth, node count, dialects; collects the document's $id values for the reference check. */
    private void walk(JsonNode node, int depth) {
        if (depth > SafeSchemas.MAX_DEPTH) {
            throw new SchemaRefusedException("nests deeper than " + SafeSchemas.MAX_DEPTH + " levels");
        }
        if (++nodes > SafeSchemas.MAX_NODES) {
            throw new SchemaRefusedException("has more than " + SafeSchemas.MAX_NODES + " keywords and values");
        }
        if (node.isObject()) {
            JsonNode dialect = node.get("$schema");
            if (dialect != null && (!dialect.isTextual() || !DIALECTS.contains(normalize(dialect.asText())))) {
                throw new SchemaRefusedException("$schema '" + dialect.asText() + "' is not a supported dialect;"
                        + " use draft-04, -06, -07, 2019-09 or 2020-12 (the default)");
            }
            for (String idKeyword : new String[] {"$id", "id"}) {
                JsonNode id = node.get(idKeyword);
                if (id != null && id.isTextual()) {
                    ids.add(stripFragment(id.asText()));
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), depth + 1);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                walk(item, depth + 1);
            }
        }
    }

    private void checkRefs(JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (REF_KEYWORDS.contains(e.getKey()) && e.getValue().isTextual() && !isInside(e.getValue().asText())) {
                    throw new SchemaRefusedException(e.getKey() + " '" + e.getValue().asText()
                            + "' points outside the schema; only references within the schema are allowed");
                }
                if (!DATA_KEYWORDS.contains(e.getKey())) {
                    checkRefs(e.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(this::checkRefs);
        }
    }

    /** Same document (#..., or an $id of this document) or a standard meta-schema. */
    private boolean isInside(String ref) {
        String document = stripFragment(ref);
        if (document.isEmpty() || normalize(document).startsWith(META) || DIALECTS.contains(normalize(document))) {
            return true;
        }
        for (String id : ids) {
            if (id.equals(document) || id.endsWith("/" + document)) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many subschemas a validation may visit, following same-document JSON-pointer $refs: a chain of
     * definitions that each use the next twice doubles per level (the "billion laughs" of JSON Schema). A ref back
     * into its own path is recursion, bounded by the instance, and counts once.
     */
    private long cost(JsonNode node) {
        Long known = expanded.get(node);
        if (known != null) {
            return known;
        }
        if (!onPath.add(node)) {
            return 1;
        }
        long total = 1;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext()
                    && total <= SafeSchemas.MAX_EXPANDED_SUBSCHEMAS;) {
                Map.Entry<String, JsonNode> e = it.next();
                if (DATA_KEYWORDS.contains(e.getKey())) {
                    continue;
                }
                if (REF_KEYWORDS.contains(e.getKey()) && e.getValue().isTextual()) {
                    JsonNode target = pointer(e.getValue().asText());
                    total += target == null ? 1 : cost(target);
                } else {
                    total += cost(e.getValue());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                total += cost(item);
                if (total > SafeSchemas.MAX_EXPANDED_SUBSCHEMAS) {
                    break;
                }
            }
        }
        onPath.remove(node);
        expanded.put(node, total);
        return total;
    }

    private JsonNode pointer(String ref) {
        if (ref.equals("#")) {
            return root;
        }
        if (!ref.startsWith("#/")) {
            return null;
        }
        try {
            String decoded = java.net.URLDecoder.decode(ref.substring(1).replace("+", "%2B"),
                    java.nio.charset.StandardCharsets.UTF_8);
            JsonNode target = root.at(decoded);
            return target.isMissingNode() ? null : target;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String stripFragment(String iri) {
        int hash = iri.indexOf('#');
        return hash < 0 ? iri : iri.substring(0, hash);
    }

    private static String normalize(String iri) {
        String s = stripFragment(iri);
        if (s.startsWith("https://")) {
            s = s.substring(8);
        } else if (s.startsWith("http://")) {
            s = s.substring(7);
        }
        return s;
    }
}
