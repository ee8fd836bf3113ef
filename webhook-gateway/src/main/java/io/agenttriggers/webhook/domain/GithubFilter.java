package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Ready-made filters for GitHub endpoints, on top of CEL: each list is a set of globs ({@code *} within a path
 * segment, {@code **} across segments, {@code ?} one character); every list given must match.
 *
 * @param events       {@code X-GitHub-Event}, e.g. push, pull_request
 * @param actions      the payload's {@code action}, e.g. opened, closed
 * @param repositories {@code repository.full_name}, e.g. acme/*
 * @param branches     the branch of {@code ref} (push) or of the pull request's base
 * @param paths        files added, modified or removed by the pushed commits, or (GitHub App endpoints) the changed
 *                     files of the fetched repository context, e.g. a pull request's; any of them may match
 * @param authors      sender, pusher, head commit author or pull request user, or (GitHub App endpoints) an author
 *                     of a commit in the fetched repository context
 * @param context      {@code github-app} endpoints: the repository context their events carry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record GithubFilter(List<String> events, List<String> actions, List<String> repositories,
        List<String> branches, List<String> paths, List<String> authors, GithubContextSpec context) {

    /** The payload key under which a GitHub App endpoint's event carries its repository context. */
    public static final String CONTEXT = "repository_context";

    public GithubFilter(List<String> events, List<String> actions, List<String> repositories, List<String> branches,
            List<String> paths, List<String> authors) {
        this(events, actions, repositories, branches, paths, authors, null);
    }

    public GithubContextSpec contextOrDefaults() {
        return context == null ? GithubContextSpec.DEFAULTS : context;
    }

    public void check(List<FieldError> out) {
        if (context != null) {
            context.check(out);
        }
        check("github.events", events, out);
        check("github.actions", actions, out);
        check("github.repositories", repositories, out);
        check("github.branches", branches, out);
        check("github.paths", paths, out);
        check("github.authors", authors, out);
    }

    private static void check(String field, List<String> globs, List<FieldError> out) {
        if (globs == null) {
            return;
        }
        if (globs.isEmpty() || globs.size() > 100) {
            out.add(new FieldError(field, "must list 1-100 patterns"));
        }
        for (String g : globs) {
            if (g == null || g.isBlank() || g.length() > 256) {
                out.add(new FieldError(field, "patterns are 1-256 characters"));
                return;
            }
        }
    }

    /** Null when the delivery matches; otherwise which criterion it failed. */
    public String mismatch(JsonNode payload, UnaryOperator<String> header) {
        String before = mismatchBeforeContext(payload, header);
        if (before != null) {
            return before;
        }
        if (paths != null && !matches(paths, changedPaths(payload))) {
            return "no changed path matches " + paths;
        }
        if (authors != null) {
            List<String> candidates = new ArrayList<>(List.of(payload.path("sender").path("login").asText(""),
                    payload.path("pusher").path("name").asText(""),
                    payload.path("head_commit").path("author").path("username").asText(""),
                    payload.path("pull_request").path("user").path("login").asText("")));
            payload.path(CONTEXT).path("commits").forEach(c -> candidates.add(c.path("author").asText("")));
            if (!matches(authors, candidates)) {
                return "author is not in " + authors;
            }
        }
        return null;
    }

    /**
     * The criteria that need nothing but the webhook (event, action, repository, branch): checked before any
     * repository context is fetched, so a delivery no endpoint wants costs no GitHub API call.
     */
    public String mismatchBeforeContext(JsonNode payload, UnaryOperator<String> header) {
        if (!matches(events, List.of(nullToEmpty(header.apply("X-GitHub-Event"))))) {
            return "GitHub event " + header.apply("X-GitHub-Event") + " is not in " + events;
        }
        if (!matches(actions, List.of(payload.path("action").asText("")))) {
            return "action " + payload.path("action").asText("(none)") + " is not in " + actions;
        }
        if (!matches(repositories, List.of(payload.path("repository").path("full_name").asText("")))) {
            return "repository is not in " + repositories;
        }
        if (branches != null) {
            String ref = payload.path("ref").asText(payload.path("pull_request").path("base").path("ref").asText(""));
            String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
            if (!matches(branches, List.of(branch))) {
                return "branch " + branch + " is not in " + branches;
            }
        }
        return null;
    }

    static List<String> changedPaths(JsonNode payload) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode commit : payload.path("commits")) {
            for (String kind : List.of("added", "modified", "removed")) {
                commit.path(kind).forEach(p -> out.add(p.asText()));
            }
        }
        for (JsonNode file : payload.path(CONTEXT).path("files")) {
            out.add(file.path("filename").asText(""));
            if (file.hasNonNull("previous_filename")) {
                out.add(file.get("previous_filename").asText());
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean matches(List<String> globs, List<String> values) {
        if (globs == null) {
            return true;
        }
        for (String glob : globs) {
            Pattern p = glob(glob);
            for (String v : values) {
                if (!v.isEmpty() && p.matcher(v).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
