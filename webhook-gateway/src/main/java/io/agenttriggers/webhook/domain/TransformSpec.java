package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How a parsed body becomes the event's payload: an optional JSONata expression first, then optional JSONPath
 * mappings that build a new object from its result, then an optional target JSON Schema the outcome must satisfy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record TransformSpec(String jsonata, List<Mapping> mappings, JsonNode schema) {

    /**
     * One field of the new payload.
     *
     * @param target  dotted path of the field to set, e.g. {@code repo.name}
     * @param path    JSONPath into the (JSONata-transformed) body
     * @param type    string, number, boolean, date (ISO-8601 instant) or json (as found; the default)
     * @param value   the value to use when the path finds nothing (or its value cannot be converted)
     * @param required refuse the delivery (422) when the path finds nothing and there is no default
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Mapping(String target, String path, String type, @com.fasterxml.jackson.annotation.JsonProperty("default") JsonNode value,
            Boolean required) {
    }
}
