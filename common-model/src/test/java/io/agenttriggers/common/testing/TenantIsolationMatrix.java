package io.agenttriggers.common.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Tenant A's credentials against every operation of a running service's own {@code /q/openapi} document, aimed at
 * tenant B's resources: each path parameter is given B's id for it, a {@code tenantId}/{@code tenant} query parameter
 * names B, and a write's body names B as its tenant. Each (credential, operation) pair is one request, and it
 * breaks a rule when:
 * <ul>
 * <li>it answers 5xx, hangs, or a 4xx that is not a problem ({@link FuzzClient});</li>
 * <li>a write (POST, PUT, PATCH, DELETE) answers 2xx: nothing of B's may be created, changed or removed;</li>
 * <li>any answer holds one of B's markers (names and values only B's data has) that the request did not hold;</li>
 * </ul>
 * and afterwards B's resources, read with the admin token, must be as they were. Operations that stream (SSE) and
 * the ones {@link #skip}ped are left out; public ingress paths (whose callers are not tenants) are for the caller to
 * skip.
 */
public final class TenantIsolationMatrix {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final URI base;
    private final OpenApiFuzzer document;
    private final String tenantB;
    private final Map<String, String> credentials = new LinkedHashMap<>();
    private final Map<String, String> idsByParam = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> idsByPrefix = new LinkedHashMap<>();
    private final List<String> markers = new ArrayList<>();
    private final List<String> snapshots = new ArrayList<>();

    private TenantIsolationMatrix(URI base, String tenantB) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.document = OpenApiFuzzer.against(base);
        this.tenantB = tenantB;
    }

    /** {@code base}: the running test app; {@code tenantB}: the tenant whose resources are aimed at. */
    public static TenantIsolationMatrix against(URI base, String tenantB) {
        return new TenantIsolationMatrix(base, tenantB);
    }

    /** One of tenant A's credentials, as its whole {@code Authorization} value (or any header: "Name: value"). */
    public TenantIsolationMatrix as(String label, String authorization) {
        credentials.put(label, authorization);
        return this;
    }

    /** B's id for path parameter {@code param} wherever no prefix-specific one is given. */
    public TenantIsolationMatrix id(String param, String value) {
        idsByParam.put(param, value);
        return this;
    }

    /** B's id for path parameter {@code param} in the paths that start with {@code pathPrefix}. */
    public TenantIsolationMatrix id(String pathPrefix, String param, String value) {
        idsByPrefix.computeIfAbsent(pathPrefix, p -> new LinkedHashMap<>()).put(param, value);
        return this;
    }

    /** Text only B's data holds (a name, a description, a header value): no answer to A may contain it. */
    public TenantIsolationMatrix marker(String text) {
        markers.add(text);
        return this;
    }

    /** A path (query included) read with the admin token before and after: its answer must not change. */
    public TenantIsolationMatrix unchanged(String path) {
        snapshots.add(path);
        return this;
    }

    public TenantIsolationMatrix skip(String method, String path, String why) {
        document.skip(method, path, why);
        return this;
    }

    /** Runs the matrix and fails with every broken rule. */
    public void assertIsolated() {
        FuzzClient client = new FuzzClient("Tenant isolation of " + base + " (tenant B " + tenantB + ")");
        Map<String, String> before = read(client, true);
        List<OpenApiFuzzer.Operation> operations = document.operations();
        if (operations.isEmpty() || credentials.isEmpty()) {
            throw new AssertionError("Nothing to check: " + operations.size() + " operations, " + credentials.size()
                    + " credentials");
        }
        int requests = 0;
        for (Map.Entry<String, String> credential : credentials.entrySet()) {
            for (OpenApiFuzzer.Operation op : operations) {
                FuzzClient.Sent sent = request(op, credential.getKey(), credential.getValue());
                FuzzClient.Answer answer = client.send(sent, 0);
                requests++;
                if (answer == null) {
                    continue;
                }
                if (WRITES.contains(op.method()) && answer.status() / 100 == 2) {
                    client.record(sent, 0, answer, "a write aimed at tenant " + tenantB + " succeeded");
                }
                String text = answer.text();
                String asked = java.net.URLDecoder.decode(sent.uri().toString(), StandardCharsets.UTF_8)
                        + (sent.body() == null ? "" : new String(sent.body(), StandardCharsets.UTF_8));
                for (String marker : markers) {
                    // An echo of what the caller sent (a path value in a problem's detail) shows nothing of B's.
                    if (text.contains(marker) && !asked.contains(marker)) {
                        client.record(sent, 0, answer,
                                "the answer shows tenant " + tenantB + "'s data (" + marker + ")");
                    }
                }
            }
        }
        Map<String, String> after = read(client, false);
        before.forEach((path, body) -> {
            if (!body.equals(after.get(path))) {
                client.record(new FuzzClient.Sent("GET", URI.create(base + path), Map.of(), null, false,
                        "admin read of tenant B's resource after the matrix"), 0, null,
                        "tenant " + tenantB + "'s resource changed: before " + FuzzClient.preview(
                                body.getBytes(StandardCharsets.UTF_8), 300) + " after " + after.get(path));
            }
        });
        System.out.printf("Tenant isolation of %s: %d credentials x %d operations, %d requests%n", base,
                credentials.size(), operations.size(), requests);
        client.assertNoFindings();
    }

    /** The snapshots; before the matrix each must read 200, after it one that does not is a finding. */
    private Map<String, String> read(FuzzClient client, boolean before) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String path : snapshots) {
            FuzzClient.Sent sent = new FuzzClient.Sent("GET", URI.create(base + path),
                    Map.of("Authorization", OpenApiFuzzer.ADMIN, "Accept", "application/json"), null, false,
                    "admin read of tenant B's resource");
            FuzzClient.Answer answer = client.send(sent, 0);
            if (!before && (answer == null || answer.status() != 200)) {
                out.put(path, answer == null ? "(no answer)" : answer.status() + " " + answer.text());
                continue;
            }
            if (answer == null || answer.status() != 200) {
                throw new AssertionError("The admin cannot read " + path + " (" + (answer == null ? "no answer"
                        : answer.status() + " " + answer.text()) + ")");
            }
            out.put(path, answer.text());
        }
        return out;
    }

    private FuzzClient.Sent request(OpenApiFuzzer.Operation op, String label, String credential) {
        String path = op.path();
        for (OpenApiFuzzer.Param p : op.pathParams()) {
            path = path.replaceAll("\\{" + java.util.regex.Pattern.quote(p.name()) + "(\\s*:[^}]*)?}",
                    java.util.regex.Matcher.quoteReplacement(encode(idFor(op.path(), p.name()))));
        }
        StringBuilder query = new StringBuilder();
        for (OpenApiFuzzer.Param p : op.queryParams()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            if (name.equals("tenantid") || name.equals("tenant")) {
                query.append(query.length() == 0 ? '?' : '&').append(encode(p.name())).append('=')
                        .append(encode(tenantB));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int colon = credential.indexOf(": ");
        if (credential.startsWith("Bearer ") || colon < 0) {
            headers.put("Authorization", credential);
        } else {
            headers.put(credential.substring(0, colon), credential.substring(colon + 2));
        }
        headers.put("Accept", "application/json");
        byte[] body = null;
        if (WRITES.contains(op.method())) {
            headers.put("If-Match", "\"1\"");
        }
        if (op.hasBody() || WRITES.contains(op.method()) && !op.method().equals("DELETE")) {
            headers.put("Content-Type", "application/json");
            body = ("{\"tenantId\":\"" + tenantB + "\",\"name\":\"isolation-probe\"}").getBytes(StandardCharsets.UTF_8);
        }
        return new FuzzClient.Sent(op.method(), URI.create(base + path + query), headers, body, false,
                label + " against tenant " + tenantB + "'s " + op.key());
    }

    private String idFor(String template, String param) {
        for (Map.Entry<String, Map<String, String>> prefix : idsByPrefix.entrySet()) {
            if (template.startsWith(prefix.getKey()) && prefix.getValue().containsKey(param)) {
                return prefix.getValue().get(param);
            }
        }
        String id = idsByParam.get(param);
        return id != null ? id : UUID.randomUUID().toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
