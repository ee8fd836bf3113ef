package io.agenttriggers.webhook.domain;

/** The result of checking a request's credentials: passed, or the HTTP status and stable code to answer. */
public record Verification(boolean ok, int status, String code, String detail) {

    public static final Verification OK = new Verification(true, 200, null, null);

    public static Verification missing(String detail) {
        return new Verification(false, 401, "missing_credentials", detail);
    }

    public static Verification invalid(String detail) {
        return new Verification(false, 401, "invalid_credentials", detail);
    }

    public static Verification badSignature(String detail) {
        return new Verification(false, 403, "bad_signature", detail);
    }

    public static Verification stale(String detail) {
        return new Verification(false, 403, "timestamp_outside_tolerance", detail);
    }
}
