package io.agenttriggers.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class GithubFilterTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNode PUSH = read("{\"ref\":\"refs/heads/release/1.2\",\"repository\":{\"full_name\":\"acme/app\"},"
            + "\"pusher\":{\"name\":\"octocat\"},\"sender\":{\"login\":\"octocat\"},"
            + "\"commits\":[{\"added\":[\"docs/a.md\"],\"modified\":[\"src/main/java/App.java\"],\"removed\":[]}]}");

    static JsonNode read(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static UnaryOperator<String> event(String name) {
        return Map.of("X-GitHub-Event", name)::get;
    }

    @Test
    void matchesEventRepositoryBranchPathAndAuthorGlobs() {
        GithubFilter f = new GithubFilter(List.of("push"), null, List.of("acme/*"), List.of("main", "release/*"),
                List.of("src/**"), List.of("octo*"));
        assertThat(f.mismatch(PUSH, event("push"))).isNull();
        assertThat(f.mismatch(PUSH, event("issues"))).contains("GitHub event");
    }

    @Test
    void eachCriterionCanRefuse() {
        assertThat(new GithubFilter(null, null, List.of("other/*"), null, null, null).mismatch(PUSH, event("push")))
                .contains("repository");
        assertThat(new GithubFilter(null, null, null, List.of("main"), null, null).mismatch(PUSH, event("push")))
                .contains("branch release/1.2");
        assertThat(new GithubFilter(null, null, null, null, List.of("*.md"), null).mismatch(PUSH, event("push")))
                .as("* does not cross directories").contains("path");
        assertThat(new GithubFilter(null, null, null, null, List.of("docs/*.md"), null).mismatch(PUSH, event("push")))
                .isNull();
        assertThat(new GithubFilter(null, List.of("opened"), null, null, null, null).mismatch(PUSH, event("push")))
                .contains("action");
        assertThat(new GithubFilter(null, null, null, null, null, List.of("someone")).mismatch(PUSH, event("push")))
                .contains("author");
    }

    @Test
    void pullRequestsUseTheBaseBranchAndTheirAuthor() {
        JsonNode pr = read("{\"action\":\"opened\",\"pull_request\":{\"base\":{\"ref\":\"main\"},"
                + "\"user\":{\"login\":\"dev1\"}},\"sender\":{\"login\":\"bot\"}}");
        GithubFilter f = new GithubFilter(List.of("pull_request"), List.of("opened", "synchronize"), null,
                List.of("main"), null, List.of("dev?"));
        assertThat(f.mismatch(pr, event("pull_request"))).isNull();
    }
}
