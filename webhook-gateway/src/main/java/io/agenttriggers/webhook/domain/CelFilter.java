package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import io.agenttriggers.common.cel.CelEvaluationFailure;
import io.agenttriggers.common.cel.CelProgram;
import io.agenttriggers.common.cel.CelSandbox;
import io.agenttriggers.common.json.JsonValues;
import io.agenttriggers.common.problem.ProblemException;
import java.util.Map;

/**
 * An endpoint's filter: a CEL expression over {@code payload} (the parsed body) and {@code headers} (lower-case
 * names), e.g. {@code headers['x-github-event'] == 'push' && payload.ref == 'refs/heads/main'}. Compiled and
 * evaluated in the {@link CelSandbox}, so neither the filter's author nor a sender's body can make one delivery
 * costly: a filter estimated too expensive is refused when the endpoint is saved, and one that hits the sandbox's
 * limits on a body answers 422 {@code filter_too_expensive}.
 */
public final class CelFilter {

    public static final int MAX_LENGTH = CelSandbox.MAX_LENGTH;
    /** Filters estimated above this many cost units are evaluated on a worker thread, off the event loop. */
    static final long INLINE_COST = 2_000;

    private static final CelSandbox SANDBOX = CelSandbox.of(Map.of(
            "payload", SimpleType.DYN,
            "headers", MapType.create(SimpleType.STRING, SimpleType.STRING)));

    private final CelProgram program;

    private CelFilter(CelProgram program) {
        this.program = program;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} saying why it cannot be a filter. */
    public static CelFilter compile(String expression) {
        return new CelFilter(SANDBOX.compile(expression, true));
    }

    /** The verdict, and why when it is not a plain true. */
    public record Verdict(boolean matches, String reason) {
    }

    /**
     * Evaluates the filter over a delivery. A body the filter cannot be evaluated on (a missing field) does not match;
     * one that makes it exceed the sandbox's limits is refused with 422 {@code filter_too_expensive}.
     */
    public Verdict test(JsonNode payload, Map<String, String> headers) {
        try {
            Object result = program.eval(Map.of("payload", JsonValues.toJava(payload,
                    com.google.protobuf.NullValue.NULL_VALUE), "headers", headers));
            if (result instanceof Boolean b) {
                return new Verdict(b, b ? null : "the filter is false");
            }
            return new Verdict(false, "the filter gave " + result + ", not a boolean");
        } catch (CelEvaluationFailure e) {
            if (e.limitExceeded()) {
                throw new ProblemException(422, "filter_too_expensive", "Unprocessable content",
                        "The endpoint's filter stopped on this body: " + e.getMessage()
                                + "; a smaller body, or a filter that does less per element, passes");
            }
            return new Verdict(false, "the filter could not be evaluated: " + e.getMessage());
        }
    }

    /** Whether an evaluation may take long enough that it belongs off the event loop. */
    public boolean costly() {
        return program.estimatedCost() > INLINE_COST;
    }

    public String expression() {
        return program.expression();
    }
}
