package io.agenttriggers.api.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A document's {@code github} triggers become webhook endpoints: GitHub's own signature, or the GitHub App's. */
class WorkflowDocumentGithubTest {

    static JsonNode webhookPart(String trigger) throws Exception {
        List<FieldError> errors = new ArrayList<>();
        WorkflowDocument doc = WorkflowDocument.parse(EventJson.MAPPER.readTree("{\"workflowId\":\"review\","
                + "\"tenantId\":\"acme\",\"triggers\":[" + trigger + "]}"), "review", errors);
        assertThat(errors).isEmpty();
        return doc.parts().get("webhook").get(0).spec();
    }

    @Test
    void anAppTriggerIsAGithubAppEndpointWithItsFiltersAndContext() throws Exception {
        JsonNode spec = webhookPart("{\"name\":\"repo\",\"type\":\"github\",\"app\":true,\"events\":[\"push\"],"
                + "\"paths\":[\"invoices/**\"],\"context\":{\"files\":[\"CODEOWNERS\"]}}");
        assertThat(spec.path("auth").path("type").asText()).isEqualTo("github-app");
        assertThat(spec.has("app")).isFalse();
        assertThat(spec.path("github").path("events").toString()).isEqualTo("[\"push\"]");
        assertThat(spec.path("github").path("context").path("files").toString()).isEqualTo("[\"CODEOWNERS\"]");
    }

    @Test
    void aPlainGithubTriggerIsVerifiedWithItsOwnSecret() throws Exception {
        JsonNode spec = webhookPart("{\"name\":\"repo\",\"type\":\"github\",\"events\":[\"push\"]}");
        assertThat(spec.path("auth").path("type").asText()).isEqualTo("github");
        assertThat(spec.path("github").path("events").toString()).isEqualTo("[\"push\"]");
    }
}
