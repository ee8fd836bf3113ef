package io.agenttriggers.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes every operation of a running service's own {@code /q/openapi} document: for each path and method, N cases
 * (system property {@code fuzz.cases}, default 8) of hostile path values, declared query and header parameters with
 * random or hostile values, and bodies shaped by the operation's request schema then mutated (wrong types, missing
 * required fields, huge strings and numbers, 2,000-level nesting), or junk bytes, invalid UTF-8, empty and wrong
 * content types; each case with one of: no credentials, the admin token, an unknown token, a non-bearer scheme, and
 * the tokens the caller adds. Every answer is checked by {@link FuzzClient}: no 5xx, no hang, every 4xx a problem.
 *
 * <p>Bounded: at most {@code fuzz.max-requests} requests (default 1,500) and {@code fuzz.max-seconds} (default 60)
 * per run; cases go round the operations, so a cut-off run still covered every operation's first cases. The run's
 * seed ({@code fuzz.seed}, random by default) is printed and named in failures: the same seed replays the same run.
 *
 * <p>Nothing it sends can reach another test's data: path values and names are hostile strings or random tokens,
 * and a {@code tenantId} in a body always names a fresh {@code fuzz-} tenant (never omitted, never null, never
 * mutated), so even a body that is accepted creates nothing global. Operations that stream (SSE) are skipped.
 */
public final class OpenApiFuzzer {

    public static final String CASES_PROPERTY = "fuzz.cases";
    public static final String SEED_PROPERTY = "fuzz.seed";
    public static final String MAX_REQUESTS_PROPERTY = "fuzz.max-requests";
    public static final String MAX_SECONDS_PROPERTY = "fuzz.max-seconds";

    /** The admin token of every module's test profile. */
    public static final String ADMIN = "Bearer test-admin-token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern TEMPLATE = Pattern.compile("\\{([^}:\\s]+)\\s*(:[^}]*)?}");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "content-type", "authorization");
    private static final String DEEP_MARKER = "__fuzz_deep__";
    private static final int NESTING = 2_000;
    private static final int MAX_SCHEMA_DEPTH = 6;

    private final URI base;
    private final Map<String, String> auths = new LinkedHashMap<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private final int cases = Integer.getInteger(CASES_PROPERTY, 8);
    private final int maxRequests = Integer.getInteger(MAX_REQUESTS_PROPERTY, 1_500);
    private final Duration maxTime = Duration.ofSeconds(Integer.getInteger(MAX_SECONDS_PROPERTY, 60));
    private final long seed = Long.getLong(SEED_PROPERTY, new Random().nextLong());
    private JsonNode document;

    private OpenApiFuzzer(URI base) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        auths.put("admin", ADMIN);
        auths.put("no-auth", null);
        auths.put("unknown-token", "Bearer fuzz-unknown-token");
        auths.put("basic-scheme", "Basic dGVzdDp0ZXN0");
    }

    /** {@code base}: the running test app, e.g. a {@code @TestHTTPResource("/") URI}. */
    public static OpenApiFuzzer against(URI base) {
        return new OpenApiFuzzer(base);
    }

    /** Also sends cases with this {@code Authorization} value, e.g. a tenant-scoped viewer token. */
    public OpenApiFuzzer withToken(String label, String authorization) {
        auths.put(label, authorization);
        return this;
    }

    /** Leaves an operation out, saying why (printed with the run). */
    public OpenApiFuzzer skip(String method, String path, String why) {
        skipped.put(method.toUpperCase(Locale.ROOT) + " " + path, why);
        return this;
    }

    /** An operation of the document, its parameters and the schema of its JSON body (or null). */
    record Operation(String method, String path, List<Param> pathParams, List<Param> queryParams,
            List<Param> headerParams, JsonNode bodySchema, String bodyMediaType, boolean hasBody) {

        String key() {
            return method + " " + path;
        }
    }

    record Param(String name, JsonNode schema, boolean required) {
    }

    /** Runs the fuzz and fails with every finding. */
    public void assertNoFindings() {
        run().assertNoFindings();
    }

    /** Runs the fuzz; the answer holds the findings. */
    public FuzzClient run() {
        FuzzClient client = new FuzzClient("OpenAPI fuzz of " + base + " (seed " + seed + ", -D" + SEED_PROPERTY + "="
                + seed + " replays it)");
        List<Operation> operations = operations();
        if (operations.isEmpty()) {
            throw new AssertionError("The OpenAPI document of " + base + " has no operation to fuzz");
        }
        List<String> authLabels = new ArrayList<>(auths.keySet());
        long started = System.nanoTime();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int planned = operations.size() * cases;
        int done = 0;
        outer:
        for (int c = 0; c < cases; c++) {
            for (int o = 0; o < operations.size(); o++) {
                if (client.requests() >= maxRequests || Duration.ofNanos(System.nanoTime() - started)
                        .compareTo(maxTime) > 0) {
                    System.out.printf("OpenAPI fuzz of %s stopped at its bound after %d of %d cases (%d requests)%n",
                            base, done, planned, client.requests());
                    break outer;
                }
                Operation op = operations.get(o);
                long caseSeed = seed ^ (op.key().hashCode() * 0x9E3779B97F4A7C15L) ^ (c * 0xBF58476D1CE4E5B9L);
                Random random = new Random(caseSeed);
                String auth = authLabels.get(Math.floorMod(c + o, authLabels.size()));
                FuzzClient.Sent sent = build(op, random, auth, c);
                FuzzClient.Answer answer = client.send(sent, caseSeed);
                statuses.merge(answer == null ? 0 : answer.status(), 1, Integer::sum);
                done++;
            }
        }
        FuzzClient.Sent live = new FuzzClient.Sent("GET", URI.create(base + "/q/health/live"), Map.of(), null, false,
                "liveness after the fuzz");
        FuzzClient.Answer answer = client.send(live, seed);
        if (answer != null && answer.status() != 200) {
            client.record(live, seed, answer, "liveness is not 200 after the fuzz");
        }
        System.out.printf("OpenAPI fuzz of %s: seed %d, %d operations, %d requests in %d ms, statuses %s%s%n", base, seed,
                operations.size(), client.requests(), Duration.ofNanos(System.nanoTime() - started).toMillis(), statuses,
                skipped.isEmpty() ? "" : ", skipped " + skipped);
        return client;
    }

    // ---- the document ----

    List<Operation> operations() {
        document = fetchDocument();
        List<Operation> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").properties().iterator();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode item = path.getValue();
            List<JsonNode> shared = new ArrayList<>();
            item.path("parameters").forEach(shared::add);
            Iterator<Map.Entry<String, JsonNode>> methods = item.properties().iterator();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> m = methods.next();
                if (!METHODS.contains(m.getKey())) {
                    continue;
                }
                String method = m.getKey().toUpperCase(Locale.ROOT);
                String key = method + " " + path.getKey();
                if (skipped.containsKey(key)) {
                    continue;
                }
                JsonNode operation = m.getValue();
                if (streams(operation)) {
                    skipped.put(key, "streams (text/event-stream)");
                    continue;
                }
                out.add(operation(method, path.getKey(), operation, shared));
            }
        }
        return out;
    }

    /**
     * The document, read with a longer bound than a fuzz request and tried three times: reading it sets the run up and
     * is not what is tested, and on a loaded CI machine the first request to a test app can be slow.
     */
    private JsonNode fetchDocument() {
        Duration bound = FuzzClient.TIMEOUT.multipliedBy(3);
        // HTTP/1.1: the client's default h2c upgrade is where its own request timeout was seen not to fire (a CI run
        // waited on one read for ten minutes); the wait below is bounded on our side as well.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(bound).build();
        Exception last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> call = http.sendAsync(HttpRequest.newBuilder(
                            URI.create(base + "/q/openapi?format=json")).timeout(bound)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            try {
                HttpResponse<String> response = call.get(bound.toMillis() + 5_000,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                if (response.statusCode() != 200) {
                    throw new AssertionError("GET /q/openapi?format=json answered " + response.statusCode());
                }
                return JSON.readTree(response.body());
            } catch (java.io.IOException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                call.cancel(true);
                last = e;
                System.out.printf("Reading the OpenAPI document of %s failed (%s), attempt %d of 3%n", base, e, attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("Could not read the OpenAPI document of " + base, last);
    }

    private static boolean streams(JsonNode operation) {
        Iterator<JsonNode> responses = operation.path("responses").elements();
        while (responses.hasNext()) {
            if (responses.next().path("content").has("text/event-stream")) {
                return true;
            }
        }
        return false;
    }

    private Operation operation(String method, String path, JsonNode operation, List<JsonNode> shared) {
        Map<String, Param> params = new LinkedHashMap<>();
        List<JsonNode> all = new ArrayList<>(shared);
        operation.path("parameters").forEach(all::add);
        for (JsonNode p : all) {
            JsonNode resolved = resolve(p);
            String in = resolved.path("in").asText();
            params.put(in + ":" + resolved.path("name").asText(), new Param(resolved.path("name").asText(),
                    resolved.path("schema"), resolved.path("required").asBoolean(false)));
        }
        List<Param> pathParams = new ArrayList<>();
        List<Param> query = new ArrayList<>();
        List<Param> headers = new ArrayList<>();
        params.forEach((k, p) -> {
            if (k.startsWith("path:")) {
                pathParams.add(p);
            } else if (k.startsWith("query:")) {
                query.add(p);
            } else if (k.startsWith("header:") && !RESTRICTED_HEADERS.contains(p.name().toLowerCase(Locale.ROOT))) {
                headers.add(p);
            }
        });
        // Template names the document does not declare as parameters are fuzzed all the same.
        Matcher m = TEMPLATE.matcher(path);
        while (m.find()) {
            String name = m.group(1);
            if (pathParams.stream().noneMatch(p -> p.name().equals(name))) {
                pathParams.add(new Param(name, NODES.objectNode().put("type", "string"), true));
            }
        }
        JsonNode body = resolve(operation.path("requestBody"));
        JsonNode schema = null;
        String mediaType = "application/json";
        if (body.has("content")) {
            Iterator<Map.Entry<String, JsonNode>> content = body.path("content").properties().iterator();
            while (content.hasNext()) {
                Map.Entry<String, JsonNode> c = content.next();
                if (schema == null || c.getKey().contains("json")) {
                    mediaType = c.getKey().equals("*/*") ? "application/json" : c.getKey();
                    schema = c.getValue().path("schema");
                }
            }
        }
        boolean hasBody = body.has("content") || Set.of("POST", "PUT", "PATCH").contains(method);
        return new Operation(method, path, pathParams, query, headers, schema == null || schema.isMissingNode()
                ? null : schema, mediaType, hasBody);
    }

    private JsonNode resolve(JsonNode node) {
        for (int hops = 0; node != null && node.has("$ref") && hops < 10; hops++) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                return NODES.objectNode();
            }
            JsonNode target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part.replace("~1", "/").replace("~0", "~"));
            }
            node = target;
        }
        return node == null ? NODES.missingNode() : node;
    }

    // ---- one case ----

    private FuzzClient.Sent build(Operation op, Random random, String authLabel, int caseIndex) {
        List<String> notes = new ArrayList<>();
        notes.add("auth=" + authLabel);
        String path = pathOf(op, random, notes);
        String query = queryOf(op, random);
        Map<String, String> headers = new LinkedHashMap<>();
        String authorization = auths.get(authLabel);
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        for (Param p : op.headerParams()) {
            if (random.nextInt(3) > 0) {
                headers.put(p.name(), headerValue(random));
            }
        }
        if (random.nextInt(10) == 0) {
            String accept = HostileInputs.pick(random, List.of("application/xml", "text/html", "image/png",
                    "application/json;q=0", "*/*;q=0", "nonsense", "text/event-stream"));
            headers.put("Accept", accept);
            notes.add("accept=" + accept);
        }
        byte[] body = null;
        if (op.hasBody() || random.nextInt(5) == 0) {
            Body chosen = body(op, random, caseIndex);
            body = chosen.bytes();
            notes.add("body=" + chosen.kind());
            String type = contentType(op, random, chosen);
            if (type != null) {
                headers.put("Content-Type", type);
            }
            notes.add("content-type=" + type);
        }
        URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
        return new FuzzClient.Sent(op.method(), uri, headers, body, false, op.key() + " " + String.join(", ", notes));
    }

    private String pathOf(Operation op, Random random, List<String> notes) {
        Matcher m = TEMPLATE.matcher(op.path());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Param param = op.pathParams().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
            String value;
            int roll = random.nextInt(20);
            if (roll < 3) {
                value = HostileInputs.pick(random, HostileInputs.RAW_ENCODED);
            } else if (roll < 12) {
                value = encode(HostileInputs.string(random));
            } else {
                JsonNode v = shaped(param == null ? NODES.objectNode() : param.schema(), random, 0, "");
                value = encode(v.isTextual() ? v.asText() : v.toString());
            }
            notes.add("{" + name + "}=" + FuzzClient.shorten(value, 60));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String queryOf(Operation op, Random random) {
        List<String> pairs = new ArrayList<>();
        for (Param p : op.queryParams()) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            int repeat = random.nextInt(8) == 0 ? 2 : 1;
            for (int i = 0; i < repeat; i++) {
                String value;
                if (random.nextBoolean()) {
                    value = encode(HostileInputs.string(random));
                } else if (random.nextInt(6) == 0) {
                    value = HostileInputs.pick(random, HostileInputs.RAW_ENCODED);
                } else {
                    JsonNode schema = resolve(p.schema());
                    JsonNode v = shaped("array".equals(type(schema)) ? schema.path("items") : schema, random, 0, "");
                    value = encode(v.isTextual() ? v.asText() : v.toString());
                }
                pairs.add(encode(p.name()) + "=" + value);
            }
        }
        if (random.nextInt(6) == 0) {
            pairs.add(encode(HostileInputs.string(random)) + "=" + encode(HostileInputs.string(random)));
        }
        if (random.nextInt(12) == 0) {
            pairs.add("a".repeat(200) + "&&&=&" + "%26");
        }
        return String.join("&", pairs);
    }

    private static String headerValue(Random random) {
        return HostileInputs.pick(random, List.of("*", "\"abc\"", "W/\"1\"", "-1", "0", "99999999999999999999999",
                "a".repeat(4_000), new UUID(random.nextLong(), random.nextLong()).toString(), "fuzz-" + random.nextInt(1_000), "\"", "' OR 1=1 --",
                "${jndi:ldap://127.0.0.1/x}", "\"1\", \"2\", W/\"3\"", "null", ""));
    }

    record Body(String kind, byte[] bytes) {
    }

    private Body body(Operation op, Random random, int caseIndex) {
        // The first case of each operation is a plain schema-shaped body, so the valid path is covered too.
        int kind = caseIndex == 0 ? 0 : random.nextInt(14);
        return switch (kind) {
            case 0, 1 -> new Body("shaped", utf8(render(shaped(op.bodySchema(), random, 0, ""))));
            case 2, 3, 4, 5 -> new Body("shaped+mutated", utf8(mutated(op.bodySchema(), random)));
            case 6 -> new Body("nested " + NESTING, utf8(HostileInputs.deepJson(random, NESTING)));
            case 7 -> {
                String n = HostileInputs.hugeNumber(random);
                yield new Body("huge number " + FuzzClient.shorten(n, 30), utf8(random.nextBoolean() ? n
                        : "{\"tenantId\":\"fuzz-n\",\"version\":" + n + ",\"size\":" + n + "}"));
            }
            case 8 -> new Body("junk bytes", HostileInputs.junk(random));
            case 9 -> new Body("invalid UTF-8", HostileInputs.invalidUtf8(random));
            case 10 -> new Body("empty", new byte[0]);
            default -> {
                String odd = HostileInputs.oddBody(random);
                yield new Body("odd: " + FuzzClient.shorten(odd, 40), utf8(odd));
            }
        };
    }

    private static String contentType(Operation op, Random random, Body body) {
        int roll = random.nextInt(20);
        if (roll == 0) {
            return null;
        }
        if (roll < 5) {
            return HostileInputs.pick(random, HostileInputs.WRONG_CONTENT_TYPES);
        }
        return op.bodyMediaType();
    }

    // ---- schema-shaped values ----

    private String mutated(JsonNode schema, Random random) {
        JsonNode root = shaped(schema, random, 0, "");
        if (!root.isObject()) {
            root = NODES.objectNode().set("value", root);
        }
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        int mutations = 1 + random.nextInt(3);
        boolean deep = false;
        for (int i = 0; i < mutations; i++) {
            ObjectNode target = objects.get(random.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(n -> {
                if (!n.equalsIgnoreCase("tenantId")) {
                    names.add(n);
                }
            });
            String name = names.isEmpty() || random.nextInt(8) == 0 ? "fuzzUnknown" + i
                    : names.get(random.nextInt(names.size()));
            switch (random.nextInt(8)) {
                case 0 -> target.remove(name);
                case 1 -> target.set(name, wrongType(target.get(name), random));
                case 2 -> target.put(name, "x".repeat(20_000 + random.nextInt(10_000)));
                case 3 -> target.put(name, new BigDecimal(random.nextBoolean() ? "1E+400" : "-1E+400"));
                case 4 -> target.put(name, new BigInteger("99999999999999999999999"));
                case 5 -> {
                    target.put(name, DEEP_MARKER);
                    deep = true;
                }
                case 6 -> target.put(name, HostileInputs.string(random));
                default -> target.set(name, wrongType(target.get(name), random));
            }
        }
        String json = render(root);
        return deep ? json.replace("\"" + DEEP_MARKER + "\"", HostileInputs.deepJson(random, NESTING)) : json;
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node.isObject()) {
            out.add((ObjectNode) node);
        }
        if (node.isContainerNode()) {
            node.elements().forEachRemaining(child -> collect(child, out));
        }
    }

    private static JsonNode wrongType(JsonNode current, Random random) {
        List<JsonNode> options = new ArrayList<>(List.of(NODES.numberNode(1), NODES.textNode("1"),
                NODES.booleanNode(true), NODES.arrayNode().add(1), NODES.objectNode().put("a", 1), NODES.nullNode(),
                NODES.numberNode(-2147483649L), NODES.numberNode(1.5)));
        if (current != null) {
            options.removeIf(o -> o.getNodeType() == current.getNodeType());
        }
        return options.get(random.nextInt(options.size()));
    }

    JsonNode shaped(JsonNode schema, Random random, int depth, String name) {
        if (name.equalsIgnoreCase("tenantId")) {
            return NODES.textNode("fuzz-" + Long.toHexString(random.nextLong()));
        }
        schema = resolve(schema);
        if (schema == null || schema.isMissingNode() || depth > MAX_SCHEMA_DEPTH) {
            return NODES.textNode("fuzz");
        }
        if (schema.has("enum") && schema.get("enum").size() > 0 && random.nextInt(6) > 0) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
        }
        for (String choice : List.of("oneOf", "anyOf")) {
            if (schema.path(choice).size() > 0) {
                return shaped(schema.get(choice).get(random.nextInt(schema.get(choice).size())), random, depth + 1, name);
            }
        }
        if (schema.path("allOf").size() > 0) {
            ObjectNode merged = NODES.objectNode();
            for (JsonNode part : schema.get("allOf")) {
                JsonNode value = shaped(part, random, depth + 1, name);
                if (!value.isObject()) {
                    return value;
                }
                merged.setAll((ObjectNode) value);
            }
            return merged;
        }
        String type = type(schema);
        switch (type) {
            case "object": {
                ObjectNode out = NODES.objectNode();
                Set<String> required = new LinkedHashSet<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").properties().iterator();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> p = properties.next();
                    if (required.contains(p.getKey()) || p.getKey().equalsIgnoreCase("tenantId")
                            || random.nextInt(3) > 0) {
                        out.set(p.getKey(), shaped(p.getValue(), random, depth + 1, p.getKey()));
                    }
                }
                JsonNode additional = schema.path("additionalProperties");
                if (additional.isObject() && random.nextBoolean()) {
                    for (int i = random.nextInt(3); i > 0; i--) {
                        out.set("k" + random.nextInt(100), shaped(additional, random, depth + 1, ""));
                    }
                }
                return out;
            }
            case "array": {
                ArrayNode out = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    out.add(shaped(schema.path("items"), random, depth + 1, ""));
                }
                return out;
            }
            case "integer": {
                long min = schema.path("minimum").asLong(0);
                long max = schema.path("maximum").asLong(Math.max(min, 0) + 100);
                return NODES.numberNode(min + (long) (random.nextDouble() * Math.max(1, max - min)));
            }
            case "number":
                return NODES.numberNode(random.nextDouble() * 100);
            case "boolean":
                return NODES.booleanNode(random.nextBoolean());
            default:
                return NODES.textNode(string(schema, random));
        }
    }

    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
        }
        if (type.isTextual()) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }

    private static String string(JsonNode schema, Random random) {
        String format = schema.path("format").asText("");
        return switch (format) {
            case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
            case "date-time" -> Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000)).toString();
            case "date" -> "2026-01-0" + (1 + random.nextInt(9));
            case "duration" -> "PT" + (1 + random.nextInt(60)) + "S";
            case "uri", "url" -> "http://127.0.0.1:9/fuzz";
            case "email" -> "fuzz@example.invalid";
            default -> {
                int min = schema.path("minLength").asInt(1);
                int max = Math.max(min, Math.min(schema.path("maxLength").asInt(16), 64));
                StringBuilder out = new StringBuilder("fz");
                while (out.length() < min + random.nextInt(max - min + 1)) {
                    out.append((char) ('a' + random.nextInt(26)));
                }
                yield out.toString();
            }
        };
    }

    private static String render(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters, as a client encodes one path segment. */
    public static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
