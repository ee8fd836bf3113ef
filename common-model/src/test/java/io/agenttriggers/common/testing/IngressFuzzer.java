package io.agenttriggers.common.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Hostile deliveries for an ingress path (a webhook endpoint, an API trigger): random bytes, JSON nested 10,000
 * levels, XML nested as deep, huge numbers, invalid UTF-8, 200 headers, a 16 KiB header, chunked bodies, bodies over
 * the limit, wrong content types, form and XML bodies. Each kind comes round in turn, so a run of at least
 * {@link #KINDS} cases sends every kind. Answers are checked by {@link FuzzClient}.
 */
public final class IngressFuzzer {

    /** How many kinds of delivery there are. */
    public static final int KINDS = 20;

    private final URI target;
    private final int oversize;
    private final BiConsumer<byte[], Map<String, String>> sign;

    /**
     * {@code oversize}: a body length over the path's limit; {@code sign}: adds the headers of a valid credential over
     * the body (e.g. a webhook signature), or null.
     */
    public IngressFuzzer(URI target, int oversize, BiConsumer<byte[], Map<String, String>> sign) {
        this.target = target;
        this.oversize = oversize;
        this.sign = sign;
    }

    /** Sends {@code cases} deliveries, seeded from {@code seed}. */
    public void run(FuzzClient client, long seed, int cases) {
        for (int i = 0; i < cases; i++) {
            long caseSeed = seed ^ (target.hashCode() * 0x9E3779B97F4A7C15L) ^ (i * 0xBF58476D1CE4E5B9L);
            send(client, caseSeed, i % KINDS);
        }
    }

    /** Sends one delivery of the given kind (0 to {@link #KINDS} - 1). */
    public void send(FuzzClient client, long caseSeed, int kind) {
        client.send(delivery(kind, new Random(caseSeed)), caseSeed);
    }

    FuzzClient.Sent delivery(int kind, Random random) {
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = "application/json";
        boolean chunked = false;
        byte[] body;
        String what;
        switch (kind) {
            case 0 -> {
                body = HostileInputs.junk(random);
                what = "random bytes";
            }
            case 1 -> {
                body = utf8(HostileInputs.deepJson(random, 10_000));
                what = "JSON nested 10,000 levels";
            }
            case 2 -> {
                body = utf8("<?xml version=\"1.0\"?>" + "<a>".repeat(10_000) + "</a>".repeat(10_000));
                contentType = random.nextBoolean() ? "application/xml" : "application/json";
                what = "XML nested 10,000 levels";
            }
            case 3 -> {
                String n = HostileInputs.hugeNumber(random);
                body = utf8("{\"amount\":" + n + ",\"list\":[" + n + "," + n + "],\"nested\":{\"n\":" + n + "}}");
                what = "huge numbers";
            }
            case 4 -> {
                body = HostileInputs.invalidUtf8(random);
                what = "invalid UTF-8";
            }
            case 5 -> {
                for (int h = 0; h < 200; h++) {
                    headers.put("X-Fuzz-" + h, "v" + random.nextInt(1_000_000));
                }
                body = utf8("{\"headers\":200}");
                what = "200 headers";
            }
            case 6 -> {
                headers.put("X-Fuzz-Large", "h".repeat(16 * 1024));
                body = utf8("{\"header\":\"16KiB\"}");
                what = "a 16 KiB header";
            }
            case 7 -> {
                body = utf8("{\"chunked\":true,\"items\":[" + "1,".repeat(5_000) + "1]}");
                chunked = true;
                what = "chunked JSON";
            }
            case 8 -> {
                body = HostileInputs.junk(random);
                chunked = true;
                what = "chunked random bytes";
            }
            case 9 -> {
                body = new byte[oversize];
                java.util.Arrays.fill(body, (byte) 'a');
                body[0] = '"';
                body[body.length - 1] = '"';
                what = "a body of " + oversize + " bytes (over the limit)";
            }
            case 10 -> {
                body = new byte[oversize];
                java.util.Arrays.fill(body, (byte) ' ');
                chunked = true;
                what = "a chunked body of " + oversize + " bytes (over the limit)";
            }
            case 11 -> {
                body = utf8("{\"ok\":true}");
                contentType = HostileInputs.pick(random, HostileInputs.WRONG_CONTENT_TYPES);
                what = "JSON with Content-Type " + contentType;
            }
            case 12 -> {
                body = utf8("a=1&b=%FF%FE&c=" + "x".repeat(1_000) + "&tenantId=fuzz&&=&%");
                contentType = "application/x-www-form-urlencoded";
                what = "a form body";
            }
            case 13 -> {
                body = utf8("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;"
                        + "&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><r>&c;</r>");
                contentType = "application/xml";
                what = "an XML body with entities";
            }
            case 14 -> {
                body = new byte[0];
                what = "an empty body";
            }
            case 15 -> {
                body = utf8(HostileInputs.oddBody(random));
                what = "odd body " + FuzzClient.shorten(new String(body, StandardCharsets.UTF_8), 40);
            }
            case 16 -> {
                body = utf8(HostileInputs.manyFields(20_000));
                what = "an object of 20,000 fields";
            }
            case 17 -> {
                body = utf8("{\"s\":\"" + HostileInputs.string(random).replace("\\", "\\\\").replace("\"", "\\\"")
                        .replace("\u0000", "\\u0000").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
                        + "\",\"long\":\"" + "x".repeat(40_000) + "\"}");
                what = "hostile and long strings";
            }
            case 18 -> {
                body = utf8("{\"ok\":true}");
                contentType = null;
                what = "no Content-Type";
            }
            default -> {
                body = utf8("{\"a\":" + "[".repeat(random.nextInt(200)) + "\"unterminated");
                what = "truncated JSON";
            }
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        if (sign != null && random.nextInt(4) > 0) {
            sign.accept(body, headers);
            what += ", signed";
        }
        String method = HostileInputs.pick(random, List.of("POST", "POST", "POST", "PUT", "PATCH"));
        return new FuzzClient.Sent(method, target, headers, body, chunked, what);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
