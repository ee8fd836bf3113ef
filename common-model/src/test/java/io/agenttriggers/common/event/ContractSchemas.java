package io.agenttriggers.common.event;

import com.networknt.schema.JsonSchema;
import io.agenttriggers.common.schema.SafeSchemas;
import java.io.IOException;
import java.io.InputStream;

/** The JSON Schemas shipped in common-model's resources. */
public final class ContractSchemas {

    public static final JsonSchema TRIGGER_DATA = load("/schemas/trigger-data.schema.json");
    public static final JsonSchema RUN_OUTCOME = load("/schemas/run-outcome.schema.json");
    public static final JsonSchema SIGNAL = load("/schemas/signal.schema.json");

    private ContractSchemas() {
    }

    // The same factory as tenants' schemas: the contract must stay within what that factory accepts.
    private static JsonSchema load(String resource) {
        try (InputStream in = ContractSchemas.class.getResourceAsStream(resource)) {
            return SafeSchemas.compile(EventJson.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
