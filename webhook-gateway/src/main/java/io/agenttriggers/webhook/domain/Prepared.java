package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.problem.ProblemException;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A delivery after the CPU-bound steps (verify, parse, filter, transform): to answer itself (handshake), to drop
 * (filtered), or to publish with its payload.
 *
 * @param parsed  the body as parsed (delivery ids are read from it); kept verbatim ({@link VerbatimJson}) when the
 *                endpoint reads nothing from it
 * @param payload the transformed payload that the event carries
 */
public record Prepared(Map<String, String> handshake, String filteredBecause, JsonNode parsed, JsonNode payload) {

    /**
     * Runs the steps in order; refusals leave as {@link ProblemException}s (401/403 credentials, 400/415 body, 422
     * transform).
     */
    public static Prepared of(Endpoint endpoint, BodyParser parser, String contentType, byte[] body,
            UnaryOperator<String> header, Map<String, String> lowerCaseHeaders, java.time.Instant now) {
        return of(endpoint, parser, contentType, body, header, lowerCaseHeaders, now, true);
    }

    /** As above; a replay of a logged delivery skips verification (it passed when it came in). */
    public static Prepared of(Endpoint endpoint, BodyParser parser, String contentType, byte[] body,
            UnaryOperator<String> header, Map<String, String> lowerCaseHeaders, java.time.Instant now,
            boolean verify) {
        EndpointSpec spec = endpoint.spec();
        Verification v = verify ? SignatureVerifier.verify(spec.auth(), endpoint.secrets(), header, body, now)
                : Verification.OK;
        if (!v.ok()) {
            ProblemException problem = new ProblemException(v.status(), v.code(),
                    v.status() == 401 ? "Unauthorized" : "Forbidden", v.detail());
            if (v.status() == 401 && spec.auth().type() == AuthType.BEARER) {
                problem.withHeader("WWW-Authenticate", "Bearer");
            }
            throw problem;
        }
        JsonNode parsed = endpoint.readsPayload() ? parser.parse(contentType, body)
                : parser.parseVerbatim(contentType, body);
        return ofParsed(endpoint, parsed, header, lowerCaseHeaders);
    }

    /**
     * The steps after verification and parsing (handshake, filters, transform), for a body verified and parsed
     * already: a GitHub App delivery, verified once with the App's secret for all its endpoints.
     */
    public static Prepared ofParsed(Endpoint endpoint, JsonNode parsed, UnaryOperator<String> header,
            Map<String, String> lowerCaseHeaders) {
        return ofParsed(endpoint, parsed, header, lowerCaseHeaders, false);
    }

    /**
     * As above; {@code githubFilterDone} when the GitHub filter was judged already (a GitHub App delivery whose
     * repository context came out incomplete: its path and author criteria cannot be judged, and the event goes on
     * rather than being dropped for what GitHub did not say).
     */
    public static Prepared ofParsed(Endpoint endpoint, JsonNode parsed, UnaryOperator<String> header,
            Map<String, String> lowerCaseHeaders, boolean githubFilterDone) {
        EndpointSpec spec = endpoint.spec();
        Map<String, String> handshake = Deliveries.handshake(spec, parsed, header);
        if (handshake != null) {
            return new Prepared(handshake, null, parsed, null);
        }
        if (spec.github() != null && !githubFilterDone) {
            String mismatch = spec.github().mismatch(parsed, header);
            if (mismatch != null) {
                return new Prepared(null, mismatch, parsed, null);
            }
        }
        if (endpoint.filter() != null) {
            CelFilter.Verdict verdict = endpoint.filter().test(parsed, lowerCaseHeaders);
            if (!verdict.matches()) {
                return new Prepared(null, verdict.reason(), parsed, null);
            }
        }
        JsonNode payload = parsed;
        if (endpoint.transformer() != null) {
            try {
                payload = endpoint.transformer().apply(parsed);
            } catch (Transformer.TransformException e) {
                throw new ProblemException(422, "transform_failed", "Unprocessable content", e.getMessage(),
                        e.errors());
            }
        }
        return new Prepared(null, null, parsed, payload);
    }
}
