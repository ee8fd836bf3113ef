package io.agenttriggers.common.schema;

import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.Set;

/**
 * The only loader of the safe factory. It serves the standard meta-schemas bundled in the validator's jar and
 * refuses every other document, so a tenant's schema can never make the service fetch a URL or read a file or a
 * classpath resource. Being first in the list, it also keeps the library from falling back to its own
 * classpath and URL loaders.
 */
final class LocalOnlySchemaLoader implements SchemaLoader {

    static final LocalOnlySchemaLoader INSTANCE = new LocalOnlySchemaLoader();

    /** The library maps https://json-schema.org/... to these before asking a loader. */
    private static final Set<String> BUNDLED = Set.of(
            "draft-04/schema", "draft-06/schema", "draft-07/schema",
            "draft/2019-09/schema", "draft/2019-09/meta/core", "draft/2019-09/meta/applicator",
            "draft/2019-09/meta/validation", "draft/2019-09/meta/meta-data", "draft/2019-09/meta/format",
            "draft/2019-09/meta/content",
            "draft/2020-12/schema", "draft/2020-12/meta/core", "draft/2020-12/meta/applicator",
            "draft/2020-12/meta/unevaluated", "draft/2020-12/meta/validation", "draft/2020-12/meta/meta-data",
            "draft/2020-12/meta/format-annotation", "draft/2020-12/meta/content");
    private static final String CLASSPATH = "classpath:";

    private LocalOnlySchemaLoader() {
    }

    @Override
    public InputStreamSource getSchema(AbsoluteIri iri) {
        String text = iri == null ? "" : iri.toString();
        if (text.startsWith(CLASSPATH) && BUNDLED.contains(text.substring(CLASSPATH.length()))) {
            String resource = text.substring(CLASSPATH.length());
            return () -> open(resource);
        }
        throw new SchemaRefusedException(SafeSchemas.outside(text));
    }

    private static InputStream open(String resource) throws FileNotFoundException {
        // Read from the validator's own jar, not whatever the context class loader sees under that name.
        InputStream in = JsonSchemaFactory.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException(resource);
        }
        return in;
    }
}
