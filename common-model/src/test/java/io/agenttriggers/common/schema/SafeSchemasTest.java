package io.agenttriggers.common.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.testing.CountingHttpServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SafeSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private CountingHttpServer server;

    @BeforeEach
    void startServer() {
        server = CountingHttpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode json(String text, Object... args) {
        return json(String.format(text, args));
    }

    @Test
    void theLibraryDefaultFactoryFetchesWhatARefNames() {
        // The control for the tests below: the counting server does see a fetch when one happens.
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(json("{\"$ref\":\"%s\"}", server.url("/x.json")));
        schema.validate(json("1"));
        assertThat(server.requests()).isPositive();
    }

    @Test
    void refusesARemoteRefWithoutFetchingIt() {
        String url = server.url("/x.json");
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"properties\":{\"a\":{\"$ref\":\"%s\"}}}", url)))
                .isInstanceOf(SchemaRefusedException.class)
                .hasMessage("$ref '" + url + "' points outside the schema; only references within the schema are allowed");
        assertThat(server.requests()).isZero();
    }

    @Test
    void refusesARemoteMetaSchemaWithoutFetchingIt() {
        String url = server.url("/meta");
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"$schema\":\"%s\",\"type\":\"string\"}", url)))
                .isInstanceOf(SchemaRefusedException.class)
                .hasMessageContaining("$schema '" + url + "' is not a supported dialect");
        assertThat(server.requests()).isZero();
    }

    @Test
    void theLoaderRefusesWhatThePreCheckLetsThrough() {
        // "x.json" looks like the nested $id but resolves against the root's base to another document on the server.
        String base = server.url("/dir/root.json");
        JsonNode schema = json("{\"$id\":\"%s\",\"$ref\":\"x.json\",\"$defs\":{\"o\":{\"$id\":\"https://other.example/x.json\"}}}",
                base);
        assertThatThrownBy(() -> SafeSchemas.compile(schema))
                .isInstanceOf(SchemaRefusedException.class)
                .hasMessage("$ref '" + server.url("/dir/x.json")
                        + "' points outside the schema; only references within the schema are allowed");
        assertThat(server.requests()).isZero();
    }

    @Test
    void theLoaderServesOnlyTheBundledMetaSchemas() {
        assertThat(LocalOnlySchemaLoader.INSTANCE.getSchema(AbsoluteIri.of("classpath:draft/2020-12/meta/core")))
                .isNotNull();
        for (String iri : new String[] {"classpath:schemas/trigger-data.schema.json", "file:///etc/passwd",
                "https://json-schema.org/draft/2020-12/schema", "jar:file:/x.jar!/y"}) {
            assertThatThrownBy(() -> LocalOnlySchemaLoader.INSTANCE.getSchema(AbsoluteIri.of(iri)))
                    .isInstanceOf(SchemaRefusedException.class).hasMessageContaining(iri);
        }
    }

    @Test
    void refusesFileAndClasspathRefs() {
        for (String ref : new String[] {"file:///etc/passwd", "classpath:schemas/trigger-data.schema.json",
                "other.json"}) {
            assertThatThrownBy(() -> SafeSchemas.compile(json("{\"$ref\":\"%s\"}", ref)))
                    .isInstanceOf(SchemaRefusedException.class).hasMessageContaining("'" + ref + "' points outside");
        }
    }

    @Test
    void resolvesReferencesInsideTheDocument() {
        JsonSchema schema = SafeSchemas.compile(json("""
                {"$id": "https://example.com/order.json",
                 "type": "object",
                 "properties": {
                   "a": {"$ref": "#/$defs/positive"},
                   "b": {"$ref": "#name"},
                   "c": {"$ref": "item.json"},
                   "d": {"$ref": "https://example.com/order.json#/$defs/positive"}},
                 "$defs": {
                   "positive": {"type": "number", "exclusiveMinimum": 0},
                   "name": {"$anchor": "name", "type": "string"},
                   "item": {"$id": "item.json", "type": "boolean"}}}
                """));
        assertThat(SafeSchemas.validate(schema, json("{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":2}"), 10)).isEmpty();
        assertThat(SafeSchemas.validate(schema, json("{\"a\":0,\"b\":1,\"c\":1,\"d\":0}"), 10))
                .extracting(FieldError::field).containsExactlyInAnyOrder("$.a", "$.b", "$.c", "$.d");
    }

    @Test
    void resolvesTheBundledMetaSchemasOfEveryStandardDialect() {
        for (String dialect : new String[] {"http://json-schema.org/draft-04/schema#",
                "http://json-schema.org/draft-06/schema#", "http://json-schema.org/draft-07/schema#",
                "https://json-schema.org/draft/2019-09/schema", "https://json-schema.org/draft/2020-12/schema"}) {
            JsonSchema schema = SafeSchemas.compile(json("{\"$schema\":\"%s\",\"$ref\":\"%s\"}", dialect, dialect));
            assertThat(SafeSchemas.validate(schema, json("{\"type\":\"string\"}"), 10)).as(dialect).isEmpty();
            assertThat(SafeSchemas.validate(schema, json("{\"type\":5}"), 10)).as(dialect).isNotEmpty();
        }
        assertThat(server.requests()).isZero();
    }

    @Test
    void defaultsTo202012() {
        // prefixItems exists only in 2020-12.
        JsonSchema schema = SafeSchemas.compile(json("{\"prefixItems\":[{\"type\":\"string\"}]}"));
        assertThat(SafeSchemas.validate(schema, json("[1]"), 10)).extracting(FieldError::field).containsExactly("$[0]");
    }

    @Test
    void aCatastrophicPatternFailsPromptly() {
        JsonSchema schema = SafeSchemas.compile(json("{\"pattern\":\"^(a+)+$\",\"patternProperties\":{\"^(b+)+$\":{}}}"));
        String evil = "a".repeat(5_000) + "!";
        // A hang guard, not a performance assertion: the JDK engine takes longer than the age of the universe here.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(SafeSchemas.validate(schema, JSON.getNodeFactory().textNode(evil), 10)).hasSize(1);
            assertThat(SafeSchemas.validate(schema, json("{\"%s\":1}", "b".repeat(5_000) + "!"), 10)).isEmpty();
        });
    }

    @Test
    void patternsAreUnanchoredAsInEcma262() {
        JsonSchema schema = SafeSchemas.compile(json("{\"pattern\":\"b\\\\u0063\"}"));
        assertThat(SafeSchemas.validate(schema, json("\"abcd\""), 10)).isEmpty();
        assertThat(SafeSchemas.validate(schema, json("\"abd\""), 10)).hasSize(1);
    }

    @Test
    void refusesLookAroundAndBackreferencesNamingThePattern() {
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"pattern\":\"^(?=.*\\\\d)\"}")))
                .isInstanceOf(SchemaRefusedException.class)
                .hasMessageStartingWith("pattern '^(?=.*\\d)' is not supported");
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"patternProperties\":{\"(a)\\\\1\":{}}}")))
                .isInstanceOf(SchemaRefusedException.class)
                .hasMessageStartingWith("pattern '(a)\\1' is not supported");
    }

    @Test
    void refusesNestedCountedRepetitionsBeforeCompilingThem() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> SafeSchemas.compile(json("{\"pattern\":\"((a{1000}){1000}){1000}\"}")))
                .isInstanceOf(SchemaRefusedException.class).hasMessageContaining("repeats more than 1000"));
        assertThat(SafeSchemas.compile(json("{\"pattern\":\"^(a{10}){100}$\"}"))).isNotNull();
    }

    @Test
    void boundsTheSizeDepthAndBreadthOfTheSchema() {
        String big = "{\"description\":\"" + "x".repeat(SafeSchemas.MAX_CHARS) + "\"}";
        assertThatThrownBy(() -> SafeSchemas.compile(json(big)))
                .isInstanceOf(SchemaRefusedException.class).hasMessage("must be at most 65536 characters of JSON");

        String deep = "{\"not\":".repeat(SafeSchemas.MAX_DEPTH) + "{}" + "}".repeat(SafeSchemas.MAX_DEPTH);
        assertThatThrownBy(() -> SafeSchemas.compile(json(deep)))
                .isInstanceOf(SchemaRefusedException.class).hasMessage("nests deeper than 32 levels");
        String fine = "{\"not\":".repeat(SafeSchemas.MAX_DEPTH - 1) + "{}" + "}".repeat(SafeSchemas.MAX_DEPTH - 1);
        assertThat(SafeSchemas.compile(json(fine))).isNotNull();

        String wide = "{\"enum\":[" + "0,".repeat(SafeSchemas.MAX_NODES) + "0]}";
        assertThatThrownBy(() -> SafeSchemas.compile(json(wide)))
                .isInstanceOf(SchemaRefusedException.class).hasMessageContaining("more than 10000");
    }

    @Test
    void refusesDefinitionsThatMultiplyThroughTheirRefs() {
        // Each level uses the next twice: 2^30 subschemas per validation from a schema of a few kilobytes.
        StringBuilder defs = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            defs.append(String.format("\"d%d\":{\"allOf\":[{\"$ref\":\"#/$defs/d%d\"},{\"$ref\":\"#/$defs/d%d\"}]},",
                    i, i + 1, i + 1));
        }
        defs.append("\"d30\":{\"type\":\"string\"}");
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"$ref\":\"#/$defs/d0\",\"$defs\":{" + defs + "}}")))
                .isInstanceOf(SchemaRefusedException.class).hasMessageContaining("expands to more than");
    }

    @Test
    void refusesASchemaThatRefersToItselfWithoutEnd() {
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"$ref\":\"#\"}")))
                .isInstanceOf(SchemaRefusedException.class).hasMessage("refers to itself without end");
        // Recursion through a property is bounded by the instance and fine.
        JsonSchema tree = SafeSchemas.compile(json("{\"type\":\"object\",\"properties\":{\"child\":{\"$ref\":\"#\"}}}"));
        assertThat(SafeSchemas.validate(tree, json("{\"child\":{\"child\":5}}"), 10))
                .extracting(FieldError::field).containsExactly("$.child.child");
    }

    @Test
    void refusesBrokenLocalReferencesAtRegistration() {
        assertThatThrownBy(() -> SafeSchemas.compile(json("{\"$ref\":\"#/$defs/missing\"}")))
                .isInstanceOf(SchemaRefusedException.class)
                .hasMessageStartingWith("is not a usable JSON Schema")
                .hasMessageContaining("/$defs/missing");
    }

    @Test
    void refusesWhatIsNotASchema() {
        assertThatThrownBy(() -> SafeSchemas.compile(json("[1]")))
                .isInstanceOf(SchemaRefusedException.class).hasMessageContaining("must be a JSON Schema");
        assertThat(SafeSchemas.compile(json("true"))).isNotNull();
    }

    @Test
    void aRefInsideInstanceDataIsNotAReference() {
        JsonSchema schema = SafeSchemas.compile(json("{\"const\":{\"$ref\":\"%s\"}}", server.url("/x")));
        assertThat(SafeSchemas.validate(schema, json("{\"$ref\":\"%s\"}", server.url("/x")), 10)).isEmpty();
        assertThat(server.requests()).isZero();
    }
}
