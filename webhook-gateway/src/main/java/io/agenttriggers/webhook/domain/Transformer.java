package io.agenttriggers.webhook.domain;

import io.agenttriggers.common.json.JsonValues;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.JsonPath;
import com.networknt.schema.JsonSchema;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.schema.SafeSchemas;
import io.agenttriggers.common.schema.SchemaRefusedException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A compiled {@link TransformSpec}. Thread-safe; compile once per endpoint version. */
public final class Transformer {

    /** JSONata evaluation bounds: a runaway expression fails instead of holding a thread. */
    public static final long JSONATA_TIMEOUT_MS = 500;
    public static final int JSONATA_MAX_DEPTH = 200;
    private static final Set<String> TYPES = Set.of("string", "number", "boolean", "date", "json");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Jsonata jsonata;
    private final List<CompiledMapping> mappings;
    private final JsonSchema schema;

    private record CompiledMapping(String[] target, JsonPath path, String type, JsonNode fallback, boolean required,
            String source) {
    }

    /** Thrown when a delivery cannot be transformed; the ingress answers 422 with the field errors. */
    public static class TransformException extends RuntimeException {
        private final List<FieldError> errors;

        public TransformException(String message, List<FieldError> errors) {
            super(message, null, false, false);
            this.errors = errors;
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    private Transformer(Jsonata jsonata, List<CompiledMapping> mappings, JsonSchema schema) {
        this.jsonata = jsonata;
        this.mappings = mappings;
        this.schema = schema;
    }

    /** Compiles the spec, or lists what is wrong with it (field names prefixed with {@code transform.}). */
    public static Transformer compile(TransformSpec spec, List<FieldError> problems) {
        Jsonata expression = null;
        if (spec.jsonata() != null) {
            if (spec.jsonata().length() > 16_384) {
                problems.add(new FieldError("transform.jsonata", "must be at most 16384 characters"));
            } else {
                try {
                    expression = Jsonata.jsonata(spec.jsonata());
                } catch (RuntimeException e) {
                    problems.add(new FieldError("transform.jsonata", "is not valid JSONata: " + e.getMessage()));
                }
            }
        }
        List<CompiledMapping> compiled = new ArrayList<>();
        if (spec.mappings() != null) {
            if (spec.mappings().size() > 200) {
                problems.add(new FieldError("transform.mappings", "at most 200 mappings"));
            }
            for (int i = 0; i < spec.mappings().size(); i++) {
                TransformSpec.Mapping m = spec.mappings().get(i);
                String field = "transform.mappings[" + i + "]";
                if (m.target() == null || !m.target().matches("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*")) {
                    problems.add(new FieldError(field + ".target", "is a dotted field name, e.g. repo.name"));
                    continue;
                }
                String type = m.type() == null ? "json" : m.type().toLowerCase(Locale.ROOT);
                if (!TYPES.contains(type)) {
                    problems.add(new FieldError(field + ".type", "must be one of " + TYPES));
                    continue;
                }
                JsonPath path = null;
                if (m.path() == null) {
                    if (m.value() == null) {
                        problems.add(new FieldError(field + ".path", "is required unless a default is given"));
                        continue;
                    }
                } else {
                    try {
                        path = JsonPath.compile(m.path());
                    } catch (RuntimeException e) {
                        problems.add(new FieldError(field + ".path", "is not a JSONPath: " + e.getMessage()));
                        continue;
                    }
                }
                compiled.add(new CompiledMapping(m.target().split("\\."), path, type, m.value(),
                        Boolean.TRUE.equals(m.required()), m.path()));
            }
        }
        JsonSchema schema = null;
        if (spec.schema() != null) {
            try {
                // Tenant-supplied: compiled without fetching, with linear-time patterns and bounded size.
                schema = SafeSchemas.compile(spec.schema());
            } catch (SchemaRefusedException e) {
                problems.add(new FieldError("transform.schema", e.getMessage()));
            }
        }
        return new Transformer(expression, compiled, schema);
    }

    public JsonNode apply(JsonNode payload) {
        JsonNode current = payload == null ? NullNode.getInstance() : payload;
        if (jsonata != null) {
            current = evaluate(current);
        }
        if (!mappings.isEmpty()) {
            current = map(current);
        }
        if (schema != null) {
            List<FieldError> fields = SafeSchemas.validate(schema, current, 20);
            if (!fields.isEmpty()) {
                throw new TransformException("The transformed payload does not match the endpoint's schema", fields);
            }
        }
        return current;
    }

    private JsonNode evaluate(JsonNode payload) {
        try {
            Jsonata.Frame frame = jsonata.createFrame();
            frame.setRuntimeBounds(JSONATA_TIMEOUT_MS, JSONATA_MAX_DEPTH);
            Object input = JsonValues.toJava(payload, null);
            Object result = jsonata.evaluate(input, frame);
            return result == null || result == Jsonata.NULL_VALUE ? NullNode.getInstance()
                    : EventJson.MAPPER.valueToTree(clean(result));
        } catch (RuntimeException e) {
            throw new TransformException("The JSONata transform failed: " + e.getMessage(),
                    List.of(new FieldError("transform.jsonata", String.valueOf(e.getMessage()))));
        }
    }

    /** JSONata marks JSON null with a sentinel; Jackson needs plain null. */
    private static Object clean(Object value) {
        if (value == Jsonata.NULL_VALUE) {
            return null;
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, clean(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(clean(v)));
            return out;
        }
        return value;
    }

    private JsonNode map(JsonNode source) {
        ObjectNode out = NODES.objectNode();
        List<FieldError> errors = new ArrayList<>();
        for (CompiledMapping m : mappings) {
            JsonNode found = m.path() == null ? null : read(m.path(), source);
            JsonNode value = null;
            String problem = null;
            if (found != null && !found.isNull() && !found.isMissingNode()) {
                try {
                    value = convert(found, m.type());
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            if (value == null && m.fallback() != null) {
                value = m.fallback();
                problem = null;
            }
            if (value == null) {
                if (problem != null) {
                    errors.add(new FieldError(String.join(".", m.target()), problem));
                } else if (m.required()) {
                    errors.add(new FieldError(String.join(".", m.target()), m.source() + " found nothing"));
                }
                continue;
            }
            set(out, m.target(), value);
        }
        if (!errors.isEmpty()) {
            throw new TransformException("The delivery does not fit the endpoint's mappings", errors);
        }
        return out;
    }

    private static JsonNode read(JsonPath path, JsonNode source) {
        try {
            return path.read(source, DeliveryIds.JSON_PATH);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static JsonNode convert(JsonNode value, String type) {
        return switch (type) {
            case "string" -> NODES.textNode(value.isValueNode() ? value.asText() : value.toString());
            case "number" -> {
                if (value.isNumber()) {
                    yield value;
                }
                try {
                    yield NODES.numberNode(new BigDecimal(value.asText().trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + abbreviate(value.asText()) + "' is not a number");
                }
            }
            case "boolean" -> {
                if (value.isBoolean()) {
                    yield value;
                }
                String t = value.asText().trim().toLowerCase(Locale.ROOT);
                if (Set.of("true", "1", "yes", "on").contains(t)) {
                    yield NODES.booleanNode(true);
                }
                if (Set.of("false", "0", "no", "off").contains(t)) {
                    yield NODES.booleanNode(false);
                }
                throw new IllegalArgumentException("'" + abbreviate(value.asText()) + "' is not a boolean");
            }
            case "date" -> NODES.textNode(date(value).toString());
            default -> value;
        };
    }

    /** ISO-8601 dates and times, or epoch seconds/milliseconds, as a UTC instant. */
    static Instant date(JsonNode value) {
        if (value.isNumber() || value.asText().matches("-?\\d{1,16}")) {
            long n = value.asLong();
            return Math.abs(n) >= 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        String text = value.asText().trim();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException ignored) {
            // try a plain date
        }
        try {
            return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + abbreviate(text) + "' is not an ISO-8601 date or epoch time");
        }
    }

    private static void set(ObjectNode root, String[] path, JsonNode value) {
        ObjectNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode next = node.get(path[i]);
            if (!(next instanceof ObjectNode)) {
                next = node.putObject(path[i]);
            }
            node = (ObjectNode) next;
        }
        node.set(path[path.length - 1], value);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
