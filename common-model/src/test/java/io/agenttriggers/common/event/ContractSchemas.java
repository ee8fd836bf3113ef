package io.agenttriggers.common.event;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;

/** The JSON Schemas shipped in common-model's resources. */
public final class ContractSchemas {

    public static final JsonSchema TRIGGER_DATA = load("/schemas/trigger-data.schema.json");
    public static final JsonSchema RUN_OUTCOME = load("/schemas/run-outcome.schema.json");

    private ContractSchemas() {
    }

    private static JsonSchema load(String resource) {
        try (InputStream in = ContractSchemas.class.getResourceAsStream(resource)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
