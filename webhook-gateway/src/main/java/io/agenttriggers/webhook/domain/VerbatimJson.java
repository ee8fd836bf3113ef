package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A JSON document that {@link BodyParser} checked (UTF-8, one value, within the depth limit), kept as the sender's
 * bytes: written into the event as it came instead of being parsed into a tree and serialized again. A node of this
 * kind has no fields to read; only endpoints that read nothing from the payload get one
 * ({@link Endpoint#readsPayload()}).
 */
public final class VerbatimJson implements SerializableString {

    private final byte[] utf8;

    private VerbatimJson(byte[] utf8) {
        this.utf8 = utf8;
    }

    /** A node that serializes as exactly these bytes, which must be one valid UTF-8 JSON value. */
    static JsonNode node(byte[] checkedUtf8Json) {
        return JsonNodeFactory.instance.rawValueNode(new RawValue(new VerbatimJson(checkedUtf8Json)));
    }

    @Override
    public String getValue() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("verbatim JSON is written unquoted");
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return utf8;
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("verbatim JSON is written unquoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw new UnsupportedOperationException("verbatim JSON is written unquoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("verbatim JSON is written unquoted");
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + utf8.length > buffer.length) {
            return -1;
        }
        System.arraycopy(utf8, 0, buffer, offset, utf8.length);
        return utf8.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String value = getValue();
        if (offset + value.length() > buffer.length) {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("verbatim JSON is written unquoted");
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(utf8);
        return utf8.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("verbatim JSON is written unquoted");
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < utf8.length) {
            return -1;
        }
        buffer.put(utf8);
        return utf8.length;
    }

    @Override
    public String toString() {
        return getValue();
    }
}
