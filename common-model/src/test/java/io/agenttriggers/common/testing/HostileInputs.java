package io.agenttriggers.common.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Hostile values and bodies for the fuzz tests: strings that break parsers, paths and queries, bodies that break JSON
 * readers (junk bytes, invalid UTF-8, deep nesting, huge numbers) and wrong content types. Every pick takes the
 * caller's {@link Random}, so a seeded case is reproduced byte for byte.
 */
public final class HostileInputs {

    /** Values for path segments, query values and JSON strings; a client encodes them as it would any value. */
    public static final List<String> STRINGS = List.of(
            " ", ".", "..", "../", "../../../../etc/passwd", "..\\..\\windows", "%00", "\u0000", "a\u0000b",
            "\r\nX-Injected: 1", "\t", "null", "undefined", "true", "-1", "0", "-0", "2147483648",
            "-9223372036854775809", "99999999999999999999999", "1e400", "NaN", "Infinity", "0x1F",
            "' OR '1'='1", "\"; DROP TABLE endpoints; --", "`", "{\"a\":1}", "[]", "{}", "${jndi:ldap://127.0.0.1/x}",
            "{{7*7}}", "#{7*7}", "<script>alert(1)</script>", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                    + "\"file:///etc/passwd\">]><x>&e;</x>",
            "ÄÖÜß", "日本語テキスト", "😀🔥", "\uD800", "\uDFFF", "\u202Egnp.exe", "\uFEFF", "\u200B", "*", "?", "#",
            "%", "%%", "\\", "a/b", "a;b=c", "a&b=c", "@", "~", "::1", "http://169.254.169.254/latest/meta-data",
            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "0000000-0000-0000-0000-000000000000", "not-a-uuid", "t-" + "a".repeat(300), "a".repeat(5_000),
            "run_" + "0".repeat(26), "01HZZZZZZZZZZZZZZZZZZZZZZZ");

    /**
     * Percent sequences sent as they are, not re-encoded: NUL, a lone byte that is no UTF-8, an overlong '/', an
     * encoded "../" and an overlong NUL.
     */
    public static final List<String> RAW_ENCODED = List.of("%00", "%FF", "%C0%AF", "%2e%2e%2f", "%E0%80%80",
            "%ED%A0%80", "..%2F..%2F", "%25", "%2F");

    /** Content types a JSON API must refuse or survive. */
    public static final List<String> WRONG_CONTENT_TYPES = List.of("text/plain", "application/xml", "text/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "application/octet-stream",
            "application/json; charset=ISO-8859-1", "application/json; charset=nonsense", "application/json;;;=",
            "application/problem+json", "image/png", "*/*", "application/*", "json", "garbage/; ;", "text/html");

    private HostileInputs() {
    }

    public static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A hostile string, a random UUID, or a short random token; never a name a test configured. */
    public static String string(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> UUID.nameUUIDFromBytes(longBytes(random)).toString();
            case 1 -> "fuzz-" + Long.toHexString(random.nextLong());
            default -> pick(random, STRINGS);
        };
    }

    /** Bytes that are not JSON (nor anything else). */
    public static byte[] junk(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(2048)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A JSON-looking object whose string holds bytes that are not UTF-8. */
    public static byte[] invalidUtf8(Random random) {
        byte[][] bad = { { (byte) 0xC3, 0x28 }, { (byte) 0xFF, (byte) 0xFE }, { (byte) 0xC0, (byte) 0xAF },
            { (byte) 0x80 }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xF4, (byte) 0x90, (byte) 0x80,
                (byte) 0x80 }, { (byte) 0xE2, (byte) 0x82 } };
        byte[] head = "{\"name\":\"a".getBytes(StandardCharsets.US_ASCII);
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] tail = "b\",\"tenantId\":\"fuzz\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(middle, 0, out, head.length, middle.length);
        System.arraycopy(tail, 0, out, head.length + middle.length, tail.length);
        return out;
    }

    /** Arrays or objects nested {@code depth} levels. */
    public static String deepJson(Random random, int depth) {
        if (random.nextBoolean()) {
            return "[".repeat(depth) + "]".repeat(depth);
        }
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A number token no Java type holds exactly, or longer than any reader allows. */
    public static String hugeNumber(Random random) {
        return pick(random, List.of("1e400", "-1e400", "1E-400", "99999999999999999999999", "-99999999999999999999999",
                "1" + "0".repeat(1_500), "0." + "1".repeat(1_500), "123456789012345678901234567890.5e99999999"));
    }

    /** Whole bodies that are valid JSON of the wrong shape, almost-JSON, or another format. */
    public static String oddBody(Random random) {
        return pick(random, List.of("null", "[]", "\"x\"", "1", "true", "{}", "{", "}", "{\"a\":}", "{\"a\":1,}",
                "{'a':1}", "{\"a\":1}{\"b\":2}", "{\"a\":1,\"a\":2}", "{\"__proto__\":{\"admin\":true}}",
                "{\"a\":NaN}", "{\"a\":Infinity}", "\uFEFF{}", "/* c */ {}", "a=1&b=2&tenantId=x",
                "<a><b>1</b></a>", "<?xml version=\"1.0\"?>" + "<a>".repeat(2_000) + "</a>".repeat(2_000),
                "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\x\"}", manyFields(5_000)));
    }

    /** An object with {@code n} distinct fields. */
    public static String manyFields(int n) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        return out.append('}').toString();
    }

    private static byte[] longBytes(Random random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return b;
    }
}
