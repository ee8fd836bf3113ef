package io.agenttriggers.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.agenttriggers.common.event.EventJson;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one set of exception mappers of every service: each error leaves as RFC 9457 problem+json with a stable
 * {@code code}; no exception class names or stack traces reach the client.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.status(), e.code(), e.title(), e.getMessage(), uri, e.errors(), e.headers());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e, uri);
        }
        // A body that is not JSON reaches here wrapped by the JSON reader; answer it like any other invalid JSON.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof JsonProcessingException json) {
                return invalidJson(json, uri);
            }
        }
        String detail = switch (status) {
            case 404 -> "No resource at " + uri.getPath();
            case 405 -> "Method not allowed on " + uri.getPath();
            case 415 -> "Unsupported content type";
            case 406 -> "None of the accepted media types can be produced";
            default -> status == 400 ? "The request is malformed" : Response.Status.fromStatusCode(status) == null
                    ? "Request refused" : Response.Status.fromStatusCode(status).getReasonPhrase();
        };
        return respond(status, codeFor(status), titleFor(status), detail, uri, List.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e, UriInfo uri) {
        // The parser message holds a fragment of the client's own input, never server internals.
        String detail = "The body is not valid JSON: " + clip(e.getOriginalMessage());
        return respond(400, "invalid_json", "Bad request", detail, uri, List.of(), Map.of());
    }

    /** More specific than {@link #invalidJson}, so it wins over Quarkus' built-in mapper for the same exception. */
    @ServerExceptionMapper
    public Response mismatchedInput(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        String detail;
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            detail = "Unknown field '" + clip(u.getPropertyName()) + "'" + (u.getKnownPropertyIds() == null ? ""
                    : "; known fields: " + u.getKnownPropertyIds());
        } else {
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
            // Jackson's own message names Java types and echoes the sender's value; say what is expected instead.
            detail = "The body does not have the expected shape" + (path.isEmpty() ? "" : " at '" + clip(path) + "'")
                    + ": expected " + expected(e.getTargetType());
        }
        return respond(400, "invalid_json", "Bad request", detail, uri, List.of(), Map.of());
    }

    /** What a JSON value of {@code type} looks like, in the API's words rather than Java's. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString).toList();
        }
        if (java.time.Duration.class.isAssignableFrom(type)) {
            return "an ISO-8601 duration such as \"PT30S\"";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "an RFC 3339 timestamp such as \"2026-01-31T12:00:00Z\"";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != char.class) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class
                || type == java.net.URI.class || type == java.util.UUID.class) {
            return "a string";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /** Client-supplied text echoed in a detail stays short: a detail is read by people, not replayed. */
    public static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return respond(401, "unauthorized", "Unauthorized", "A valid bearer token is required", uri, List.of(),
                Map.of("WWW-Authenticate", "Bearer"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(403, "forbidden", "Forbidden", "The token's role or tenant scope does not allow this", uri,
                List.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response internal(Throwable e, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unhandled error on %s (incident %s)", uri.getPath(), incident);
        return respond(500, "internal_error", "Internal error",
                "The server failed to handle the request (incident " + incident + ")", uri, List.of(), Map.of());
    }

    /** Builds a problem response; usable by resources that answer errors without throwing. */
    public static Response respond(int status, String code, String title, String detail, UriInfo uri,
            List<Problem.FieldError> errors, Map<String, String> headers) {
        return respond(status, code, title, detail, uri == null ? null : uri.getPath(), errors, headers);
    }

    /** As above, for handlers outside Jakarta REST (plain Vert.x routes): {@code instance} is the request path. */
    public static Response respond(int status, String code, String title, String detail, String instance,
            List<Problem.FieldError> errors, Map<String, String> headers) {
        Problem problem = new Problem(Problem.TYPE_BASE + code, title, status, detail, instance, code,
                errors == null || errors.isEmpty() ? null : errors);
        String body;
        try {
            body = EventJson.MAPPER.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            body = "{\"status\":" + status + ",\"code\":\"" + code + "\"}";
        }
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
        headers.forEach(builder::header);
        return builder.build();
    }

    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 422 -> "unprocessable_content";
            case 429 -> "too_many_requests";
            default -> "http_" + status;
        };
    }

    static String titleFor(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return s == null ? "Error" : s.getReasonPhrase();
    }
}
