package io.agenttriggers.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Sends fuzz requests with a hard timeout and checks each answer: never a 5xx, never a hang or a dropped connection,
 * and every 4xx an RFC 9457 problem ({@code application/problem+json} whose {@code status} is the HTTP status and
 * whose {@code code} is a string), without stack traces or exception class names. What breaks a rule is kept as a
 * {@link Finding} with the case's seed; {@link #assertNoFindings()} fails the test with all of them.
 */
public final class FuzzClient {

    /** The longest a request may take before it counts as a hang. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * 4xx answers that no handler of ours can shape: the HTTP codec answers them (empty body, connection closed) before
     * any route runs — a request line over {@code quarkus.http.limits.max-initial-line-length} (414) or headers over
     * {@code max-header-size} (431).
     */
    public static final Set<Integer> CODEC_STATUSES = Set.of(414, 431);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEAK = Pattern.compile(
            "(\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\([\\w$]+\\.java:\\d+\\))|\\b(java|javax|jakarta|io|org|com)\\.[\\w.$]*"
                    + "(Exception|Error)\\b");

    /** One request of a case: everything needed to see what was sent. */
    public record Sent(String method, URI uri, Map<String, String> headers, byte[] body, boolean chunked,
            String description) {

        public String summary() {
            String shown = body == null ? "(none)" : preview(body, 300);
            return method + " " + shorten(uri.toString(), 400) + "\n    headers: " + shorten(headers.toString(), 400)
                    + "\n    body (" + (body == null ? 0 : body.length) + " bytes" + (chunked ? ", chunked" : "")
                    + "): " + shown + "\n    case: " + description;
        }
    }

    /** An answer that broke a rule. */
    public record Finding(Sent sent, long caseSeed, int status, String contentType, String body, String rule) {

        @Override
        public String toString() {
            return rule + " — status " + status + " (" + contentType + ") seed " + caseSeed + "\n  " + sent.summary()
                    + "\n    answer: " + shorten(body, 600);
        }
    }

    /** An answer as received. */
    public record Answer(int status, String contentType, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Finding> findings = new ArrayList<>();
    private final String label;
    private int sent;

    public FuzzClient(String label) {
        this.label = label;
    }

    public int requests() {
        return sent;
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    /** Keeps a finding of the caller's own (e.g. a health check after the run that did not answer 200). */
    public void record(Sent request, long caseSeed, Answer answer, String rule) {
        findings.add(answer == null ? new Finding(request, caseSeed, 0, "", "", rule)
                : new Finding(request, caseSeed, answer.status(), answer.contentType(), answer.text(), rule));
    }

    /** Sends and checks; answers the response, or null when there was none (already a finding). */
    public Answer send(Sent request, long caseSeed) {
        sent++;
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(request.uri()).timeout(TIMEOUT);
            request.headers().forEach(builder::header);
        } catch (IllegalArgumentException e) {
            // The JDK client refuses to send it (e.g. a restricted header): a generator bug, not a server finding.
            throw new IllegalStateException("The fuzzer built a request the HTTP client refuses (seed " + caseSeed + "): "
                    + request.summary(), e);
        }
        HttpRequest.BodyPublisher publisher;
        if (request.body() == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (request.chunked()) {
            byte[] bytes = request.body();
            // No known length: the client sends Transfer-Encoding: chunked.
            publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            publisher = HttpRequest.BodyPublishers.ofByteArray(request.body());
        }
        builder.method(request.method(), publisher);
        HttpRequest built = builder.build();
        HttpResponse<byte[]> response;
        try {
            response = exchange(client, built);
        } catch (java.io.IOException first) {
            // A kept-alive connection the server closed after its previous answer (it closes one whose body it
            // refused unread) can fail the next request before a byte comes back, and the JDK client does not
            // resend it: one more try on a connection of its own tells that apart from a server that drops requests.
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            try {
                response = exchange(fresh, built);
            } catch (java.io.IOException e) {
                findings.add(new Finding(request, caseSeed, 0, "", "", "no HTTP answer: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage()));
                return null;
            } catch (TimeoutException e) {
                findings.add(new Finding(request, caseSeed, 0, "", "", "no answer within " + TIMEOUT.toSeconds()
                        + " s"));
                return null;
            }
        } catch (TimeoutException e) {
            findings.add(new Finding(request, caseSeed, 0, "", "", "no answer within " + TIMEOUT.toSeconds() + " s"));
            return null;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        Answer answer = new Answer(response.statusCode(), contentType, response.body());
        String broken = violation(answer);
        if (broken != null) {
            findings.add(new Finding(request, caseSeed, answer.status(), contentType, answer.text(), broken));
        }
        return answer;
    }

    /** One request and its answer; an {@link java.io.IOException} when none came, a timeout when it hung. */
    private static HttpResponse<byte[]> exchange(HttpClient client, HttpRequest request)
            throws java.io.IOException, TimeoutException {
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(request,
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            return pending.get(TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new TimeoutException(cause.getMessage());
            }
            throw cause instanceof java.io.IOException io ? io : new java.io.IOException(cause);
        }
    }

    /** Why an answer breaks the rules, or null when it keeps them. */
    public static String violation(Answer answer) {
        int status = answer.status();
        if (status >= 500) {
            return "server error";
        }
        if (status < 400 || CODEC_STATUSES.contains(status) && answer.body().length == 0) {
            return null;
        }
        if (!answer.contentType().toLowerCase(java.util.Locale.ROOT).startsWith("application/problem+json")) {
            return "4xx without application/problem+json";
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(answer.body());
        } catch (Exception e) {
            return "4xx problem body is not JSON";
        }
        if (problem == null || !problem.isObject()) {
            return "4xx problem body is not a JSON object";
        }
        if (!problem.path("status").isInt() || problem.path("status").asInt() != status) {
            return "problem 'status' is not the HTTP status";
        }
        if (!problem.path("code").isTextual() || problem.path("code").asText().isBlank()) {
            return "problem without a 'code' string";
        }
        if (LEAK.matcher(answer.text()).find()) {
            return "problem leaks a stack frame or an exception class name";
        }
        return null;
    }

    /** Fails with every finding (the first 25 in full), naming the seeds to re-run them with. */
    public void assertNoFindings() {
        if (findings.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder(label + ": " + findings.size() + " of " + sent
                + " fuzz requests broke a rule:\n");
        findings.stream().limit(25).forEach(f -> out.append("- ").append(f).append('\n'));
        if (findings.size() > 25) {
            out.append("... and ").append(findings.size() - 25).append(" more\n");
        }
        throw new AssertionError(out.toString());
    }

    static String preview(byte[] body, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length && out.length() < max; i++) {
            int b = body[i] & 0xFF;
            out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02X", b));
        }
        return body.length > max ? out + "…" : out.toString();
    }

    static String shorten(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " chars)";
    }
}
