package io.agenttriggers.common.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.DisallowUnknownJsonMetaSchemaFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one way to compile a JSON Schema a tenant supplied (a webhook transform's target schema, an API trigger's
 * request schema). Unlike the library's default factory it
 * <ul>
 * <li>loads nothing on the tenant's behalf: no URL, file or classpath resource, only references inside the
 * document and the bundled meta-schemas of draft-04, -06, -07, 2019-09 and 2020-12 resolve;</li>
 * <li>matches {@code pattern} and {@code patternProperties} with RE2J, which cannot backtrack catastrophically;</li>
 * <li>bounds the document: {@value #MAX_CHARS} characters, {@value #MAX_DEPTH} levels, {@value #MAX_NODES}
 * values, {@value #MAX_EXPANDED_SUBSCHEMAS} subschemas once its $refs are followed.</li>
 * </ul>
 * 2020-12 is the dialect when {@code $schema} is absent.
 */
public final class SafeSchemas {

    /** Largest schema, as serialized JSON. */
    public static final int MAX_CHARS = 65_536;
    /** Deepest nesting of objects and arrays in the schema document. */
    public static final int MAX_DEPTH = 32;
    /** Most JSON values (keywords, subschemas, literals) in the schema document. */
    public static final int MAX_NODES = 10_000;
    /** Most subschemas one validation may visit when same-document $refs are expanded. */
    public static final long MAX_EXPANDED_SUBSCHEMAS = 100_000;

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder
                    // Every standard dialect is built in; an unknown $schema is refused instead of fetched.
                    .metaSchemaFactory(DisallowUnknownJsonMetaSchemaFactory.getInstance())
                    .metaSchema(JsonMetaSchema.getV4())
                    .metaSchema(JsonMetaSchema.getV6())
                    .metaSchema(JsonMetaSchema.getV7())
                    .metaSchema(JsonMetaSchema.getV201909())
                    .schemaLoaders(loaders -> loaders.values(list -> {
                        list.clear();
                        list.add(LocalOnlySchemaLoader.INSTANCE);
                    }))
                    // A tenant's $id must not land in a cache other tenants' schemas resolve against.
                    .enableSchemaCache(false));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .regularExpressionFactory(Re2jRegularExpressionFactory.INSTANCE)
            // Field errors name instance locations as JSON paths ($.a.b), as the APIs always have.
            .pathType(PathType.LEGACY)
            .locale(Locale.ENGLISH)
            .preloadJsonSchema(true)
            .build();

    private static final List<JsonNode> PROBES = List.of(JsonNodeFactory.instance.nullNode(),
            JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.arrayNode(),
            JsonNodeFactory.instance.textNode(""), JsonNodeFactory.instance.numberNode(0),
            JsonNodeFactory.instance.booleanNode(true));

    private SafeSchemas() {
    }

    /**
     * Compiles a tenant's schema with every reference resolved and every pattern compiled now, so that problems
     * surface at registration.
     *
     * @throws SchemaRefusedException with a message fit for the tenant
     */
    public static JsonSchema compile(JsonNode schema) {
        SchemaInspector.inspect(schema);
        try {
            JsonSchema compiled = FACTORY.getSchema(schema, CONFIG);
            compiled.initializeValidators();
            probe(compiled);
            return compiled;
        } catch (RuntimeException | StackOverflowError e) {
            throw refusal(e);
        }
    }

    /**
     * Validates an instance, turning each complaint into a field error named by its instance location. A schema
     * that misbehaves at validation time (an unbounded self-reference, say) gives one error on the root rather
     * than an exception the caller would answer with a 500.
     */
    public static List<FieldError> validate(JsonSchema schema, JsonNode instance, int limit) {
        Set<ValidationMessage> messages;
        try {
            messages = schema.validate(instance);
        } catch (RuntimeException | StackOverflowError e) {
            return List.of(new FieldError("", "could not be checked against the schema: "
                    + refusal(e).getMessage()));
        }
        return messages.stream().limit(limit)
                .map(m -> new FieldError(m.getInstanceLocation().toString(), m.getMessage()))
                .toList();
    }

    /**
     * A cycle of $refs that never descends into the instance ({@code {"$ref": "#"}}) only shows when validating;
     * trying the simplest instances finds the usual ones at registration instead of on the first request.
     */
    private static void probe(JsonSchema compiled) {
        for (JsonNode instance : PROBES) {
            compiled.validate(instance);
        }
    }

    /** The message for a reference the factory will not load. */
    static String outside(String iri) {
        return "$ref '" + iri + "' points outside the schema; only references within the schema are allowed";
    }

    private static SchemaRefusedException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRefusedException refused) {
                return refused;
            }
        }
        if (e instanceof StackOverflowError) {
            return new SchemaRefusedException("refers to itself without end");
        }
        // The library's own messages describe the schema; anything else is not the tenant's to read.
        String detail = e instanceof JsonSchemaException && e.getMessage() != null
                ? ": " + e.getMessage().replaceFirst("^:\\s*", "") : "";
        return new SchemaRefusedException("is not a usable JSON Schema" + detail);
    }
}
