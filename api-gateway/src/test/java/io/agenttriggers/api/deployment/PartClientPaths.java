package io.agenttriggers.api.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import java.util.List;

/** How PartClient maps a governance part's field errors back into the document, for tests outside the package. */
public final class PartClientPaths {

    private PartClientPaths() {
    }

    public static String of(String field) {
        ObjectNode policy = EventJson.MAPPER.createObjectNode();
        return PartClient.documentPath(field, List.of(new WorkflowDocument.PartTrigger(
                WorkflowDocument.PartTrigger.GOVERNANCE, WorkflowDocument.GOVERNANCE_PART, policy)));
    }
}
