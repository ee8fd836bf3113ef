package io.agenttriggers.common.problem;

/** The {@code If-Match} header of versioned configurations: the version a caller read, to refuse lost updates. */
public final class IfMatch {

    private IfMatch() {
    }

    /** The expected version; null when the header is absent, blank or {@code *}; 400 when it is not a number. */
    public static Integer version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim().replace("W/", "").replace("\"", "");
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid_if_match", "If-Match holds the version you read, e.g. \"3\"");
        }
    }
}
