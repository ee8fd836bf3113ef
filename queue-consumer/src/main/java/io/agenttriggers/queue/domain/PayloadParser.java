package io.agenttriggers.queue.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agenttriggers.queue.config.SourceSpec.Format;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a body into the event payload: {@code json} is parsed (one document, bounded depth), {@code text} must be
 * valid UTF-8 and becomes a JSON string, {@code binary} becomes a base64 JSON string.
 */
public final class PayloadParser {

    public static final int MAX_DEPTH = 64;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH).build());
    }

    private PayloadParser() {
    }

    public static JsonNode parse(byte[] body, Format format, int maxBytes) throws ParseException {
        if (body.length > maxBytes) {
            throw new ParseException("body of " + body.length + " bytes is over the limit of " + maxBytes);
        }
        return switch (format) {
            case JSON -> json(body);
            case TEXT -> TextNode.valueOf(utf8(body));
            case BINARY -> TextNode.valueOf(Base64.getEncoder().encodeToString(body));
        };
    }

    private static JsonNode json(byte[] body) throws ParseException {
        if (body.length == 0) {
            throw new ParseException("empty body is not JSON");
        }
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            JsonNode node = JSON.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw new ParseException("empty body is not JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth")
                    ? "JSON nested deeper than " + MAX_DEPTH : "not valid JSON";
            throw new ParseException(what + where);
        } catch (IOException e) {
            throw new ParseException("not valid JSON");
        }
    }

    static String utf8(byte[] body) throws ParseException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ParseException("text body is not valid UTF-8");
        }
    }
}
