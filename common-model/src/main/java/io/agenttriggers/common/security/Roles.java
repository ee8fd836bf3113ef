package io.agenttriggers.common.security;

/**
 * Roles of management-API callers. Admins can do everything; operators can read and fire manual and API triggers;
 * viewers only read.
 */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String VIEWER = "viewer";
    /** Identity attribute holding the {@code Set<String>} of tenants a caller may see ({@code *} = all). */
    public static final String TENANTS_ATTRIBUTE = "tenants";

    private Roles() {
    }
}
