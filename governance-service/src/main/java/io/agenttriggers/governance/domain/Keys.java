package io.agenttriggers.governance.domain;

/**
 * Redis key names of governance state, in one place: the Lua scripts, the dashboards' readers and the tests use
 * the same names. Every key starts with {@code gov:} and its kind, then the policy id.
 */
public final class Keys {

    public static final String PREFIX = "gov:";

    private Keys() {
    }

    public static String rate(String policyId, String bucket) {
        return PREFIX + "rl:" + policyId + ":" + bucket;
    }

    public static String quota(String policyId, String day, String bucket) {
        return PREFIX + "q:" + policyId + ":" + day + ":" + bucket;
    }

    /** The set of a day's quota keys of a policy. */
    public static String quotaIndex(String policyId, String day) {
        return PREFIX + "qi:" + policyId + ":" + day;
    }

    /** The set of a day's budget keys of a policy. */
    public static String budgetIndex(String policyId, String day) {
        return PREFIX + "bi:" + policyId + ":" + day;
    }

    /** The set of every breaker key that has seen an outcome. */
    public static final String BREAKER_INDEX = PREFIX + "cbi";

    public static String budget(String policyId, String day, String bucket) {
        return PREFIX + "b:" + policyId + ":" + day + ":" + bucket;
    }

    public static String cooldown(String policyId, String bucket) {
        return PREFIX + "cd:" + policyId + ":" + bucket;
    }

    public static String concurrency(String policyId, String bucket) {
        return PREFIX + "cc:" + policyId + ":" + bucket;
    }

    public static String breaker(String policyId, String bucket) {
        return PREFIX + "cb:" + policyId + ":" + bucket;
    }

    public static String breakerWindow(String policyId, String bucket, String which) {
        return PREFIX + "cbw:" + which + ":" + policyId + ":" + bucket;
    }

    public static String decided(String runId) {
        return PREFIX + "d:" + runId;
    }

    public static String feedback(String runId) {
        return PREFIX + "run:" + runId;
    }

    public static String applied(String runId) {
        return PREFIX + "f:" + runId;
    }
}
