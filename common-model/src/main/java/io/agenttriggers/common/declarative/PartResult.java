package io.agenttriggers.common.declarative;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A service's answer for its part of a workflow deployment ({@code PUT /internal/v1/deployments/{tenant}/{workflow}}):
 * what it holds for the workflow now, or with {@code dryRun} what applying would do.
 *
 * @param version the deployment version the part was applied at (as sent)
 * @param items   one per trigger, in the order sent; deleted ones after them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartResult(String tenantId, String workflowId, Integer version, boolean dryRun, List<Item> items) {

    /** What a part does to one trigger. */
    public enum Action {
        created, updated, unchanged, deleted;
    }

    /**
     * One trigger of the part.
     *
     * @param observed what the service knows of it now (URL, next fire time, last run), service-specific
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String name, String id, Action action, Map<String, Object> observed) {
    }
}
