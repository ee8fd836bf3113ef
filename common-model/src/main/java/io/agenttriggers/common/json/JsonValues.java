package io.agenttriggers.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON trees as plain Java values (maps, lists, Long/Double, String, Boolean, and a caller-chosen null) for the
 * expression engines (CEL, JSONata) of several services.
 */
public final class JsonValues {

    private JsonValues() {
    }

    public static Object toJava(JsonNode node, Object nullValue) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return nullValue;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), toJava(e.getValue(), nullValue)));
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            node.forEach(n -> out.add(toJava(n, nullValue)));
            return out;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : (Object) node.asDouble();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
