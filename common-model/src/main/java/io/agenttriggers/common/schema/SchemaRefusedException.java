package io.agenttriggers.common.schema;

/**
 * A tenant-supplied JSON Schema that {@link SafeSchemas} will not compile. The message is meant for the caller
 * (it becomes the message of a 422 field error) and never carries a fetch error or an internal class name.
 */
public class SchemaRefusedException extends IllegalArgumentException {

    public SchemaRefusedException(String message) {
        super(message);
    }
}
