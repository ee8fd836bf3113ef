package io.agenttriggers.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code code} is stable and meant for programs; {@code title} and
 * {@code detail} are for people.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://agenttriggers.io/problems/";

    /** One invalid input: a JSON pointer or parameter name and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
