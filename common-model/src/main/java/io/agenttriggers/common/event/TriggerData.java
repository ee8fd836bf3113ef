package io.agenttriggers.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code data} of a trigger event (JSON; schema {@code schemas/trigger-data.schema.json}).
 *
 * @param payload the business payload after transformation
 * @param headers allow-listed request or message headers; never secrets
 * @param options dispatch options
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerData(JsonNode payload, Map<String, String> headers, DispatchOptions options) {

    public TriggerData {
        payload = payload == null ? NullNode.getInstance() : payload;
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(headers));
        options = options == null ? DispatchOptions.DEFAULTS : options;
    }

    public static TriggerData of(JsonNode payload) {
        return new TriggerData(payload, Map.of(), DispatchOptions.DEFAULTS);
    }
}
