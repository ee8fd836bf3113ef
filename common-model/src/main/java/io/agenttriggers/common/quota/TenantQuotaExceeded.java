package io.agenttriggers.common.quota;

import io.agenttriggers.common.problem.ProblemException;

/**
 * A create refused because the tenant (or, with no tenant, the global scope) already holds as many resources of the
 * kind as its quota allows. A {@link ProblemException}, so the shared mappers answer it as 409
 * {@code tenant_quota_exceeded} in every service.
 */
public class TenantQuotaExceeded extends ProblemException {

    public static final String CODE = "tenant_quota_exceeded";

    private final String things;
    private final String tenantId;
    private final int limit;

    /**
     * @param things    the kind in the plural, as a user calls it ({@code webhook endpoints})
     * @param tenantId  the tenant; null for a global quota
     * @param count     how many there are now
     * @param limit     the most there may be
     * @param configKey the configuration key that sets the limit
     */
    public TenantQuotaExceeded(String things, String tenantId, long count, int limit, String configKey) {
        super(409, CODE, "Tenant quota exceeded", detail(things, tenantId, count, limit, configKey));
        this.things = things;
        this.tenantId = tenantId;
        this.limit = limit;
    }

    public String things() {
        return things;
    }

    /** Null for a global quota. */
    public String tenantId() {
        return tenantId;
    }

    public int limit() {
        return limit;
    }

    private static String detail(String things, String tenantId, long count, int limit, String configKey) {
        String holder = tenantId == null ? "There are already " : "Tenant " + tenantId + " already has ";
        String subject = tenantId == null ? "there may be" : "it may have";
        String most = count == limit ? ", the most " + subject : "; the most " + subject + " is " + limit;
        return holder + count + " " + (tenantId == null ? "global " : "") + things + most + " (" + configKey
                + "); delete one or ask an operator to raise the limit";
    }
}
