package io.agenttriggers.common.declarative;

import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import java.util.List;

/**
 * Who holds a piece of configuration ({@code managedBy}): the REST API, the declarative file, or a workflow
 * deployment. Only what the API created is edited through the API; the others are changed where they come from.
 */
public final class Ownership {

    public static final String API = "api";
    public static final String FILE = "file";
    public static final String DEPLOYMENT = "deployment";

    /** A workflow id: a DNS-label-like name, so it fits URLs, CloudEvent attributes and Kubernetes names. */
    public static final java.util.regex.Pattern WORKFLOW_ID = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A tenant id as every service accepts it. */
    public static final java.util.regex.Pattern TENANT_ID = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Ownership() {
    }

    /** 400 unless both path segments of a deployment's part are well formed. */
    public static void requireIds(String tenantId, String workflowId) {
        requireTenantId(tenantId);
        requireWorkflowId(workflowId);
    }

    /** 400 unless the tenant id (a path or query parameter) is well formed. */
    public static void requireTenantId(String tenantId) {
        if (tenantId == null || !TENANT_ID.matcher(tenantId).matches()) {
            throw ProblemException.badRequest("invalid_tenant_id", "A tenant id is 1-64 letters, digits, '.', '_' "
                    + "or '-'");
        }
    }

    /** 400 unless the workflow id (a path parameter) is well formed. */
    public static void requireWorkflowId(String workflowId) {
        if (workflowId == null || !WORKFLOW_ID.matcher(workflowId).matches()) {
            throw ProblemException.badRequest("invalid_workflow_id", "A workflow id is 1-100 letters, digits, '.', "
                    + "'_' or '-', starting with a letter or digit");
        }
    }

    /** 409 unless {@code managedBy} lets the REST API change or delete it ({@code what}: "This schedule"). */
    public static void requireApiManaged(String managedBy, String what, String workflowId) {
        if (FILE.equals(managedBy)) {
            throw new ProblemException(409, "managed_by_file", "Conflict", what + " comes from the declarative "
                    + "file; change it there");
        }
        if (DEPLOYMENT.equals(managedBy)) {
            throw new ProblemException(409, "managed_by_deployment", "Conflict", what + " belongs to the "
                    + "deployment of workflow " + workflowId + "; change the deployment");
        }
    }

    /** 422 when a REST body sets the workflow id, which only a deployment gives. */
    public static void refuseWorkflowId(String workflowId, String code, String title) {
        if (workflowId != null) {
            throw new ProblemException(422, code, title, "workflowId is set by a workflow deployment",
                    List.of(new FieldError("workflowId", "is set by a workflow deployment; deploy the workflow "
                            + "instead")));
        }
    }
}
