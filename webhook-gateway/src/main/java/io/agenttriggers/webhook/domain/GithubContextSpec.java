package io.agenttriggers.webhook.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.List;

/**
 * Which repository context a {@code github-app} endpoint's events carry ({@code repository_context} in the payload).
 *
 * @param enabled      default true; false carries the webhook body alone
 * @param files        paths whose contents at the event's ref are fetched (e.g. CODEOWNERS), at most 10
 * @param maxFiles     most changed files listed (default 300, GitHub's own limit for a comparison)
 * @param maxFileBytes largest content fetched per named file (default 64 KiB); a larger one is listed without it
 * @param maxBytes     most bytes of context in all (default 256 KiB); past it files are dropped from the end
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record GithubContextSpec(Boolean enabled, List<String> files, Integer maxFiles, Integer maxFileBytes,
        Integer maxBytes) {

    public static final GithubContextSpec DEFAULTS = new GithubContextSpec(null, null, null, null, null);

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    public List<String> filesOrNone() {
        return files == null ? List.of() : files;
    }

    public int maxFilesOrDefault() {
        return maxFiles == null ? 300 : maxFiles;
    }

    public int maxFileBytesOrDefault() {
        return maxFileBytes == null ? 65_536 : maxFileBytes;
    }

    public int maxBytesOrDefault() {
        return maxBytes == null ? 262_144 : maxBytes;
    }

    void check(List<FieldError> out) {
        if (files != null) {
            if (files.size() > 10) {
                out.add(new FieldError("github.context.files", "lists at most 10 paths"));
            }
            for (String f : files) {
                if (f == null || f.isBlank() || f.length() > 256 || f.startsWith("/") || f.contains("..")) {
                    out.add(new FieldError("github.context.files", "paths are 1-256 characters, relative, without .."));
                    break;
                }
            }
        }
        range(out, "github.context.maxFiles", maxFiles, 1, 3000);
        range(out, "github.context.maxFileBytes", maxFileBytes, 1, 1_048_576);
        range(out, "github.context.maxBytes", maxBytes, 1024, 1_048_576);
    }

    private static void range(List<FieldError> out, String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            out.add(new FieldError(field, "must be between " + min + " and " + max));
        }
    }
}
