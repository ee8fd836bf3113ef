package io.agenttriggers.queue.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a value of the event (event name, tenant, dedup key, focus) comes from: a static {@code value}, a message
 * {@code header}, or a {@code jsonPath} into a JSON body; {@code default} when the header or path is absent. A bare
 * string in the configuration is a static value.
 */
public record Extraction(String value, String header, String jsonPath, String fallback) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Extraction(@JsonProperty("value") String value, @JsonProperty("header") String header,
            @JsonProperty("jsonPath") String jsonPath, @JsonProperty("default") String fallback) {
        this.value = value;
        this.header = header;
        this.jsonPath = jsonPath;
        this.fallback = fallback;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Extraction ofValue(String value) {
        return new Extraction(value, null, null, null);
    }

    public static Extraction ofHeader(String header, String fallback) {
        return new Extraction(null, header, null, fallback);
    }

    public static Extraction ofJsonPath(String jsonPath, String fallback) {
        return new Extraction(null, null, jsonPath, fallback);
    }

    /** How the rule reads in the sources API: {@code header:tenant (default demo)}, {@code $.type}, {@code "acme"}. */
    public String describe() {
        String base = value != null ? "\"" + value + "\"" : header != null ? "header:" + header : jsonPath;
        return fallback == null ? base : base + " (default " + fallback + ")";
    }
}
