package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agenttriggers.common.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Turns a webhook body into JSON: JSON, XML (no DTDs, so no external entities and no entity expansion),
 * form-urlencoded and text, with depth and field-count limits. Refusals are 400 (malformed) or 415 (media type).
 */
public final class BodyParser {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final XMLInputFactory XML = secureXmlFactory();

    private final ObjectMapper json;
    private final int maxDepth;
    private final int maxFields;

    public BodyParser(int maxDepth, int maxFields) {
        this.maxDepth = maxDepth;
        this.maxFields = maxFields;
        this.json = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build());
        // One JSON value per body: "{...} garbage" or two documents are refused, not cut short silently.
        this.json.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static XMLInputFactory secureXmlFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    /** The media type without parameters, lower case; null when absent. */
    public static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    public JsonNode parse(String contentType, byte[] body) {
        if (body == null || body.length == 0) {
            return NullNode.getInstance();
        }
        String type = mediaType(contentType);
        if (isJson(type)) {
            return parseJson(body);
        }
        if (type.equals("application/x-www-form-urlencoded")) {
            return parseForm(text(body, contentType));
        }
        if (type.equals("application/xml") || type.equals("text/xml") || type.endsWith("+xml")) {
            return parseXml(body);
        }
        if (type.startsWith("text/")) {
            return TextNode.valueOf(text(body, contentType));
        }
        throw new ProblemException(415, "unsupported_media_type", "Unsupported media type",
                "Send JSON, XML, form-urlencoded or text, not " + type);
    }

    private static boolean isJson(String type) {
        return type == null || type.equals("application/json") || type.endsWith("+json") || type.equals("text/json");
    }

    /**
     * As {@link #parse}, but a JSON body in UTF-8 is only checked, token by token, against the same rules (valid JSON,
     * one value, the depth limit, well-formed UTF-8 in its strings) and kept as its own bytes ({@link VerbatimJson}):
     * no tree is built and none is serialized again. For endpoints that read nothing from the payload. Other media
     * types, and JSON in UTF-16 or UTF-32 or with a byte order mark, are parsed as by {@link #parse}.
     */
    public JsonNode parseVerbatim(String contentType, byte[] body) {
        if (body == null || body.length == 0 || !isJson(mediaType(contentType)) || !plainUtf8(body)) {
            return parse(contentType, body);
        }
        try (JsonParser p = json.getFactory().createParser(body)) {
            int depth = 0;
            boolean complete = false;
            for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
                if (complete) {
                    throw ProblemException.badRequest("invalid_body", "The body is not valid JSON: trailing content "
                            + "after the first value");
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    // Decoding the text checks its UTF-8, as building a text node would.
                    case VALUE_STRING -> p.getTextCharacters();
                    default -> {
                    }
                }
                complete = depth == 0;
            }
            return complete ? VerbatimJson.node(body) : NullNode.getInstance();
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    /**
     * True when the body starts as UTF-8 JSON does (an ASCII character, not followed by a zero byte, so neither
     * UTF-16 nor UTF-32, and no byte order mark), which the parser would otherwise detect and decode.
     */
    private static boolean plainUtf8(byte[] body) {
        return body[0] > 0 && (body.length < 2 || body[1] != 0);
    }

    /** Why a JSON body is refused: too deep, not valid JSON (with the parser's words), or unreadable. */
    private ProblemException refusal(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return ProblemException.badRequest("body_too_deep", "The JSON body is nested deeper than " + maxDepth);
        }
        if (e instanceof JsonProcessingException json) {
            return ProblemException.badRequest("invalid_body",
                    "The body is not valid JSON: " + json.getOriginalMessage());
        }
        return ProblemException.badRequest("invalid_body", "The body could not be read");
    }

    private JsonNode parseJson(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? NullNode.getInstance() : node;
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    private JsonNode parseForm(String text) {
        ObjectNode out = NODES.objectNode();
        int fields = 0;
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            if (++fields > maxFields) {
                throw ProblemException.badRequest("too_many_fields", "The form has more than " + maxFields + " fields");
            }
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid_body", "The form body has a malformed escape");
            }
            JsonNode existing = out.get(key);
            if (existing == null) {
                out.put(key, value);
            } else if (existing.isArray()) {
                ((ArrayNode) existing).add(value);
            } else {
                out.putArray(key).add(existing).add(value);
            }
        }
        return out;
    }

    /**
     * Maps XML to JSON: an element with only text becomes its text; attributes become {@code @name}; children become
     * fields, repeated ones arrays; text next to children becomes {@code #text}. The root element's name is the single
     * top-level field.
     */
    private JsonNode parseXml(byte[] body) {
        XMLStreamReader reader = null;
        try {
            reader = XML.createXMLStreamReader(new ByteArrayInputStream(body));
            Deque<ObjectNode> stack = new ArrayDeque<>();
            Deque<StringBuilder> texts = new ArrayDeque<>();
            Deque<String> names = new ArrayDeque<>();
            ObjectNode root = NODES.objectNode();
            int fields = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> throw ProblemException.badRequest("xml_dtd_forbidden",
                            "XML bodies with a DTD (DOCTYPE) are refused");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw ProblemException.badRequest("xml_entity_forbidden",
                            "XML entity references are refused");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (stack.size() >= maxDepth) {
                            throw ProblemException.badRequest("body_too_deep", "The XML body is nested deeper than "
                                    + maxDepth);
                        }
                        ObjectNode element = NODES.objectNode();
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            element.put("@" + reader.getAttributeLocalName(i), reader.getAttributeValue(i));
                        }
                        fields += 1 + reader.getAttributeCount();
                        if (fields > maxFields) {
                            throw ProblemException.badRequest("too_many_fields", "The XML body has more than "
                                    + maxFields + " elements and attributes");
                        }
                        stack.push(element);
                        texts.push(new StringBuilder());
                        names.push(reader.getLocalName());
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                        if (!texts.isEmpty()) {
                            texts.peek().append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        ObjectNode element = stack.pop();
                        String text = texts.pop().toString().trim();
                        String name = names.pop();
                        JsonNode value;
                        if (element.isEmpty()) {
                            value = TextNode.valueOf(text);
                        } else {
                            if (!text.isEmpty()) {
                                element.put("#text", text);
                            }
                            value = element;
                        }
                        add(stack.isEmpty() ? root : stack.peek(), name, value);
                    }
                    default -> {
                    }
                }
            }
            return root;
        } catch (XMLStreamException e) {
            throw ProblemException.badRequest("invalid_body", "The body is not well-formed XML");
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond the byte array
                }
            }
        }
    }

    private static void add(ObjectNode parent, String name, JsonNode value) {
        JsonNode existing = parent.get(name);
        if (existing == null) {
            parent.set(name, value);
        } else if (existing.isArray()) {
            ((ArrayNode) existing).add(value);
        } else {
            parent.putArray(name).add(existing).add(value);
        }
    }

    private static String text(byte[] body, String contentType) {
        Charset charset = StandardCharsets.UTF_8;
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        charset = Charset.forName(p.substring(8).replace("\"", "").trim());
                    } catch (IllegalArgumentException e) {
                        throw new ProblemException(415, "unsupported_media_type", "Unsupported media type",
                                "Unknown charset " + p.substring(8));
                    }
                }
            }
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ProblemException.badRequest("invalid_body", "The body is not valid " + charset.name());
        }
    }
}
