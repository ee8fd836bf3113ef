package io.agenttriggers.webhook.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.logging.LogThrottle;
import io.agenttriggers.webhook.config.GithubAppConfig;
import io.agenttriggers.webhook.domain.GithubContextSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import org.kohsuke.github.GHCommit;
import org.kohsuke.github.GHCompare;
import org.kohsuke.github.GHContent;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.GHLabel;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHPullRequestFileDetail;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.HttpException;

/**
 * The repository context of a GitHub App delivery, fetched through the installation (private repositories
 * included): for {@code push} the pushed commits and changed files (one comparison), for {@code pull_request} the
 * pull request's size, labels and files, and the contents of named files at the event's ref. Repository metadata
 * comes from the webhook itself.
 *
 * <p>Never loses or holds up an event: the fetch runs on a small pool of its own (hub4j blocks), within
 * {@code context-timeout} in all; a timeout, a full pool, a rate limit or any API failure gives the context gathered
 * so far with {@code complete: false} and why. Sizes are bounded by the endpoint's {@link GithubContextSpec}.
 */
@ApplicationScoped
public class RepositoryContext {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String NO_COMMIT = "0000000000000000000000000000000000000000";

    @Inject
    GithubApp app;

    @Inject
    GithubAppConfig config;

    @Inject
    MeterRegistry registry;

    private ThreadPoolExecutor pool;

    private static final Logger LOG = Logger.getLogger(RepositoryContext.class);

    /** GitHub can fail every delivery for a while (a rate limit): one line a minute per kind of failure. */
    private final LogThrottle incompleteLog = new LogThrottle(Duration.ofMinutes(1));

    /** The last reason a context came out incomplete, for the status page. */
    private final AtomicReference<Map<String, String>> lastIncomplete = new AtomicReference<>();

    @PostConstruct
    void init() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(config.contextThreads(), config.contextThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.contextQueue())), r -> {
                    Thread t = new Thread(r, "github-context-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    @PreDestroy
    void close() {
        pool.shutdownNow();
    }

    public Map<String, String> lastIncomplete() {
        return lastIncomplete.get();
    }

    /** What one delivery's fetch asks for: the union of its endpoints' wishes. */
    public record Wanted(Collection<String> files, int maxFiles, int maxFileBytes) {
    }

    /**
     * The context of a delivery. The returned node is the fetch's own copy, taken when the fetch ended or timed out;
     * a timed-out fetch is interrupted.
     */
    public Uni<ObjectNode> fetch(long installationId, String event, JsonNode payload, Wanted wanted) {
        ObjectNode context = base(payload);
        if (!app.fetchesContext()) {
            return Uni.createFrom().item(incomplete(context, "no_private_key",
                    "the GitHub App has no private key configured, so nothing is fetched from GitHub"));
        }
        return Uni.createFrom().<ObjectNode>emitter(emitter -> {
            FutureTask<Void> task = new FutureTask<>(() -> {
                GitHub github = null;
                try {
                    github = app.client(installationId);
                    gather(github, event, payload, wanted, context);
                    synchronized (context) {
                        context.put("complete", true);
                    }
                } catch (Exception | LinkageError e) {
                    synchronized (context) {
                        failed(context, e, github);
                    }
                }
                emitter.complete(snapshot(context));
                return null;
            });
            emitter.onTermination(() -> task.cancel(true));
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                emitter.complete(incomplete(context, "busy", "too many deliveries are fetching context; "
                        + "the event goes on without it"));
            }
        }).ifNoItem().after(config.contextTimeout()).recoverWithItem(() -> {
            synchronized (context) {
                return incomplete(snapshot(context), "timeout", "GitHub did not answer within "
                        + config.contextTimeout());
            }
        }).invoke(this::count);
    }

    private void count(ObjectNode context) {
        boolean complete = context.path("complete").asBoolean(false);
        if (!complete) {
            incompleteLog.run(context.path("incomplete_code").asText(), () -> LOG.warnf("GitHub App repository context "
                    + "incomplete (%s): %s", context.path("incomplete_code").asText(),
                    context.path("incomplete_reason").asText()));
        }
        registry.counter("github_app_context_total", "outcome", complete ? "complete"
                : context.path("incomplete_code").asText("error")).increment();
        if (!complete) {
            lastIncomplete.set(Map.of("at", Instant.now().toString(), "code", context.path("incomplete_code").asText(),
                    "reason", context.path("incomplete_reason").asText()));
        }
    }

    /** What the webhook itself says: repository metadata, a push's commits (up to 20, with logins), the ref. */
    static ObjectNode base(JsonNode payload) {
        ObjectNode context = JSON.objectNode();
        JsonNode repo = payload.path("repository");
        ObjectNode meta = context.putObject("repository");
        for (String field : List.of("full_name", "private", "visibility", "default_branch", "description",
                "language", "html_url", "topics", "archived", "fork")) {
            if (repo.has(field)) {
                meta.set(field, repo.get(field));
            }
        }
        if (payload.path("commits").isArray()) {
            ArrayNode commits = context.putArray("commits");
            for (JsonNode c : payload.path("commits")) {
                JsonNode author = c.path("author");
                commits.add(commit(c.path("id").asText(null), c.path("message").asText(null),
                        author.hasNonNull("username") ? author.get("username").asText()
                                : author.path("name").asText(null)));
            }
        }
        String ref = ref(payload);
        if (ref != null) {
            context.put("ref", ref);
        }
        context.put("complete", false);
        return context;
    }

    /** The ref the event is about: a push's head, a pull request's head sha, else the default branch. */
    static String ref(JsonNode payload) {
        if (payload.hasNonNull("after") && !NO_COMMIT.equals(payload.get("after").asText())) {
            return payload.get("after").asText();
        }
        JsonNode head = payload.path("pull_request").path("head").path("sha");
        if (head.isTextual()) {
            return head.asText();
        }
        JsonNode branch = payload.path("repository").path("default_branch");
        return branch.isTextual() ? branch.asText() : null;
    }

    private static void gather(GitHub github, String event, JsonNode payload, Wanted wanted, ObjectNode context)
            throws IOException {
        String fullName = payload.path("repository").path("full_name").asText("");
        if (fullName.isEmpty()) {
            return;
        }
        GHRepository repo = github.getRepository(fullName);
        if ("push".equals(event)) {
            push(repo, payload, wanted, context);
        } else if (payload.path("pull_request").path("number").isIntegralNumber()) {
            pullRequest(repo, payload.path("pull_request").path("number").asInt(), wanted, context);
        }
        String ref = context.path("ref").asText(null);
        if (!wanted.files().isEmpty() && ref != null) {
            ObjectNode contents = JSON.objectNode();
            for (String path : wanted.files()) {
                contents.set(path, content(repo, path, ref, wanted.maxFileBytes()));
            }
            synchronized (context) {
                context.set("contents", contents);
            }
        }
    }

    /** The files a push changed: one comparison of {@code before...after}, or the commit itself for a new branch. */
    private static void push(GHRepository repo, JsonNode payload, Wanted wanted, ObjectNode context)
            throws IOException {
        String before = payload.path("before").asText("");
        String after = payload.path("after").asText("");
        if (after.isEmpty() || NO_COMMIT.equals(after)) {
            return; // a deleted branch: nothing changed to list
        }
        ArrayNode files = JSON.arrayNode();
        if (before.isEmpty() || NO_COMMIT.equals(before)) {
            for (GHCommit.File f : repo.getCommit(after).listFiles().withPageSize(100)) {
                if (files.size() >= wanted.maxFiles()) {
                    break;
                }
                files.add(file(f));
            }
        } else {
            GHCompare compare = repo.getCompare(before, after);
            for (GHCommit.File f : compare.getFiles()) {
                if (files.size() >= wanted.maxFiles()) {
                    break;
                }
                files.add(file(f));
            }
        }
        synchronized (context) {
            context.set("files", files);
        }
    }

    private static void pullRequest(GHRepository repo, int number, Wanted wanted, ObjectNode context)
            throws IOException {
        GHPullRequest pr = repo.getPullRequest(number);
        ObjectNode out = JSON.objectNode();
        out.put("number", number);
        out.put("title", pr.getTitle());
        out.put("additions", pr.getAdditions());
        out.put("deletions", pr.getDeletions());
        out.put("changed_files", pr.getChangedFiles());
        ArrayNode labels = out.putArray("labels");
        for (GHLabel label : pr.getLabels()) {
            labels.add(label.getName());
        }
        synchronized (context) {
            context.set("pull_request", out);
        }
        ArrayNode files = JSON.arrayNode();
        for (GHPullRequestFileDetail f : pr.listFiles().withPageSize(100)) {
            if (files.size() >= wanted.maxFiles()) {
                break;
            }
            ObjectNode file = files.addObject();
            file.put("filename", f.getFilename());
            file.put("status", f.getStatus());
            file.put("additions", f.getAdditions());
            file.put("deletions", f.getDeletions());
            file.put("changes", f.getChanges());
            if (f.getPreviousFilename() != null) {
                file.put("previous_filename", f.getPreviousFilename());
            }
        }
        synchronized (context) {
            context.set("files", files);
        }
    }

    private static ObjectNode commit(String sha, String message, String author) {
        ObjectNode out = JSON.objectNode();
        out.put("sha", sha);
        out.put("message", message == null ? null : message.length() > 1024 ? message.substring(0, 1024) : message);
        out.put("author", author);
        return out;
    }

    private static ObjectNode file(GHCommit.File f) {
        ObjectNode file = JSON.objectNode();
        file.put("filename", f.getFileName());
        file.put("status", f.getStatus());
        file.put("additions", f.getLinesAdded());
        file.put("deletions", f.getLinesDeleted());
        file.put("changes", f.getLinesChanged());
        if (f.getPreviousFilename() != null) {
            file.put("previous_filename", f.getPreviousFilename());
        }
        return file;
    }

    private static ObjectNode content(GHRepository repo, String path, String ref, int maxBytes) throws IOException {
        ObjectNode out = JSON.objectNode();
        try {
            GHContent content = repo.getFileContent(path, ref);
            out.put("size", content.getSize());
            if (!content.isFile()) {
                out.put("skipped", "not a file");
            } else if (content.getSize() > maxBytes) {
                out.put("skipped", "larger than " + maxBytes + " bytes");
            } else {
                out.put("content", content.getContent());
            }
        } catch (GHFileNotFoundException e) {
            out.put("missing", true);
        }
        return out;
    }

    private static void failed(ObjectNode context, Throwable e, GitHub github) {
        if (e instanceof InterruptedIOException || e instanceof InterruptedException
                || Thread.currentThread().isInterrupted()) {
            incomplete(context, "timeout", "the fetch was stopped at its time limit");
            return;
        }
        if (e instanceof HttpException http) {
            int status = http.getResponseCode();
            if (status < 0) {
                incomplete(context, "github_unreachable", "GitHub could not be reached at " + path(http.getUrl()));
                return;
            }
            String message = String.valueOf(http.getMessage());
            if (message.startsWith("API rate limit reached")) {
                incomplete(context, "rate_limited", "GitHub's rate limit for this installation is used up"
                        + resetAt(github));
                return;
            }
            if (message.startsWith("Abuse limit reached")) {
                incomplete(context, "rate_limited", "GitHub's secondary rate limit refused the fetch (" + status + ")");
                return;
            }
            incomplete(context, "github_error", "GitHub answered " + status + " to " + path(http.getUrl()));
            return;
        }
        if (e instanceof GHFileNotFoundException || e instanceof FileNotFoundException) {
            incomplete(context, "not_found", "GitHub has no such repository or commit for this installation");
            return;
        }
        if (e instanceof GHIOException || e instanceof IOException) {
            incomplete(context, "github_unreachable", "GitHub could not be reached: " + e.getClass().getSimpleName());
            return;
        }
        incomplete(context, "error", "the context could not be read: " + e.getClass().getSimpleName());
        LOG.debugf(e, "GitHub App repository context failed");
    }

    /** When GitHub said the limit resets ({@code X-RateLimit-Reset} of its last answer), if it said. */
    private static String resetAt(GitHub github) {
        try {
            Date reset = github == null ? null : github.lastRateLimit().getCore().getResetDate();
            return reset == null || reset.getTime() <= 0 ? "" : "; it resets at " + reset.toInstant();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The URL's path only: a query could carry anything. */
    private static String path(String url) {
        if (url == null) {
            return "(unknown)";
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static ObjectNode incomplete(ObjectNode context, String code, String reason) {
        context.put("complete", false);
        context.put("incomplete_code", code);
        context.put("incomplete_reason", reason);
        return context;
    }

    private static ObjectNode snapshot(ObjectNode context) {
        synchronized (context) {
            return context.deepCopy();
        }
    }

    /**
     * One endpoint's share of the fetched context: its own files' contents, at most its number of changed files, and
     * at most its byte budget in all (changed files dropped from the end past it, marked {@code files_truncated}).
     */
    public static ObjectNode forEndpoint(ObjectNode fetched, GithubContextSpec spec) {
        ObjectNode out = fetched.deepCopy();
        JsonNode contents = out.path("contents");
        if (contents.isObject()) {
            ObjectNode mine = JSON.objectNode();
            for (String path : spec.filesOrNone()) {
                if (contents.has(path)) {
                    mine.set(path, contents.get(path));
                }
            }
            if (mine.isEmpty()) {
                out.remove("contents");
            } else {
                out.set("contents", mine);
            }
        }
        JsonNode files = out.path("files");
        if (files.isArray() && files.size() > spec.maxFilesOrDefault()) {
            ArrayNode kept = JSON.arrayNode();
            for (int i = 0; i < spec.maxFilesOrDefault(); i++) {
                kept.add(files.get(i));
            }
            out.set("files", kept);
            out.put("files_truncated", true);
        }
        while (bytes(out) > spec.maxBytesOrDefault()) {
            if (out.path("files").isArray() && out.get("files").size() > 0) {
                ArrayNode list = (ArrayNode) out.get("files");
                int drop = Math.max(1, list.size() / 4);
                for (int i = 0; i < drop; i++) {
                    list.remove(list.size() - 1);
                }
                out.put("files_truncated", true);
            } else if (out.has("contents")) {
                out.remove("contents");
                out.put("contents_dropped", true);
            } else if (out.has("commits")) {
                out.remove("commits");
                out.put("commits_dropped", true);
            } else {
                break;
            }
        }
        return out;
    }

    private static int bytes(JsonNode node) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(node).length;
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }
}
