package io.agenttriggers.api.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.problem.ProblemMappers;
import java.io.IOException;

/** Parses untrusted JSON bodies with bounded size and depth; every refusal is a 4xx problem. */
public final class JsonBodies {

    private final ObjectMapper mapper;
    private final int maxBytes;

    public JsonBodies(int maxBytes, int maxDepth) {
        this.maxBytes = maxBytes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("empty_body", "The request has no body; send a JSON document");
        }
        if (body.length > maxBytes) {
            throw new ProblemException(413, "payload_too_large", "Payload too large",
                    "The body has " + body.length + " bytes; the limit is " + maxBytes);
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ProblemException.badRequest("empty_body", "The request has no JSON document");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw ProblemException.badRequest("json_too_deep", "The JSON document is nested too deeply: "
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("invalid_json", "The body is not valid JSON: "
                    + ProblemMappers.clip(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ProblemException.badRequest("invalid_json", "The body could not be read");
        }
    }
}
