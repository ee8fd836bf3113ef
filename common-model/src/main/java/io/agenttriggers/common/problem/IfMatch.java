package io.agenttriggers.common.problem;

import java.util.regex.Pattern;

/**
 * The {@code If-Match} header of versioned configurations: the version a caller read, to refuse lost updates. Every
 * service answers strong ETags {@code "N"}; If-Match compares strongly (RFC 9110 §13.1.1), so a weak tag
 * {@code W/"N"} is refused rather than read as a match, and so is anything else that is not one version.
 */
public final class IfMatch {

    /** A strong entity tag of a version, or (leniently) the bare number; leading zeros are not a version. */
    private static final Pattern VERSION = Pattern.compile("\"?(0|[1-9][0-9]{0,8})\"?");

    private IfMatch() {
    }

    /** The expected version; null when the header is absent or {@code *}; 400 when it is not one version. */
    public static Integer version(String ifMatch) {
        if (ifMatch == null || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim();
        var m = VERSION.matcher(v);
        if (!m.matches() || v.startsWith("\"") != v.endsWith("\"")) {
            throw ProblemException.badRequest("invalid_if_match", "If-Match holds the version you read as its ETag,"
                    + " e.g. \"3\" (strong, one version)");
        }
        return Integer.valueOf(m.group(1));
    }
}
