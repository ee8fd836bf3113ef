package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.webhook.persistence.EndpointFile;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EndpointFileTest {

    static final String ADMIN = "Bearer test-admin-token";

    @Inject
    EndpointFile file;

    EndpointFile.Applied apply(String yaml, Map<String, String> env) {
        return file.reconcile(yaml, env::get).await().atMost(Duration.ofSeconds(20));
    }

    static String endpointId(String tenant, String name) {
        return given().header("Authorization", ADMIN).queryParam("tenantId", tenant).when().get("/api/v1/endpoints")
                .then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.name == '" + name + "' }.id");
    }

    @Test
    void reconcilesTheFileIntoEndpointsThatRefuseRestEdits() {
        String tenant = "file-" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = """
                endpoints:
                  - name: gh
                    tenantId: %s
                    eventName: github
                    auth: {type: github}
                    secret: ${GH_SECRET:default-secret-1}
                    github: {branches: [main]}
                  - name: open
                    tenantId: %s
                    eventName: ping
                    auth: {type: none}
                """.formatted(tenant, tenant);
        EndpointFile.Applied first = apply(yaml, Map.of());
        assertThat(first.errors()).isEmpty();
        assertThat(first.created()).isEqualTo(2);

        String gh = endpointId(tenant, "gh");
        String open = endpointId(tenant, "open");
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + gh)
                .then().body("managedBy", is("file")).body("github.branches[0]", is("main"));
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"gh\",\"tenantId\":\"" + tenant + "\",\"eventName\":\"x\",\"auth\":{\"type\":\"github\"}}")
                .when().put("/api/v1/endpoints/" + gh).then().statusCode(409).body("code", is("file_managed"));
        given().header("Authorization", ADMIN).when().delete("/api/v1/endpoints/" + open)
                .then().statusCode(409).body("code", is("file_managed"));
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"gracePeriod\":\"PT1H\"}")
                .when().post("/api/v1/endpoints/" + gh + "/rotate-secret")
                .then().statusCode(409).contentType("application/problem+json").body("code", is("file_managed"));
        given().header("Authorization", ADMIN).when().post("/api/v1/endpoints/" + gh + "/versions/1/rollback")
                .then().statusCode(409).contentType("application/problem+json").body("code", is("file_managed"));

        String body = "{\"ref\":\"refs/heads/main\"}";
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", WebhookIngressTest.githubSignature("default-secret-1", body))
                .body(body).when().post("/webhooks/" + gh).then().statusCode(202);

        // Re-applying the same file changes nothing.
        EndpointFile.Applied again = apply(yaml, Map.of());
        assertThat(again.created() + again.updated() + again.deleted()).isZero();

        // A new version of the file: one endpoint changes (and its secret, from the environment), one goes away.
        String next = """
                endpoints:
                  - name: gh
                    tenantId: %s
                    eventName: github-main
                    auth: {type: github}
                    secret: ${GH_SECRET}
                """.formatted(tenant);
        EndpointFile.Applied second = apply(next, Map.of("GH_SECRET", "rotated-secret-2"));
        assertThat(second.errors()).isEmpty();
        assertThat(second.updated()).isEqualTo(1);
        assertThat(second.deleted()).isGreaterThanOrEqualTo(1);
        given().contentType("application/json").body("{}").when().post("/webhooks/" + open).then().statusCode(404);
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + gh)
                .then().body("eventName", is("github-main")).body("secretHint", is("****et-2"));
        given().header("Authorization", ADMIN).when().post("/api/v1/endpoints/" + gh + "/versions/1/rollback")
                .then().statusCode(409).body("code", is("file_managed"));
        given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + gh)
                .then().body("eventName", is("github-main")).body("secretHint", is("****et-2"));
    }

    @Test
    void aBrokenFileIsNotAppliedAtAll() {
        String tenant = "file-" + UUID.randomUUID().toString().substring(0, 8);
        EndpointFile.Applied broken = apply("""
                endpoints:
                  - name: fine
                    tenantId: %s
                    eventName: e
                    auth: {type: none}
                  - name: bad
                    tenantId: %s
                    eventName: e
                    auth: {type: github}
                    colour: blue
                  - name: nosecret
                    tenantId: %s
                    eventName: e
                    auth: {type: bearer}
                    secret: ${MISSING_VAR}
                """.formatted(tenant, tenant, tenant), Map.of());
        assertThat(broken.errors()).anySatisfy(e -> assertThat(e).contains("MISSING_VAR"));
        assertThat(broken.created()).isZero();
        assertThat(endpointId(tenant, "fine")).isNull();

        EndpointFile.Applied invalid = apply("""
                endpoints:
                  - name: fine
                    tenantId: %s
                    eventName: e
                    auth: {type: none}
                  - name: bad
                    tenantId: %s
                    eventName: e
                    auth: {type: github}
                    colour: blue
                """.formatted(tenant, tenant), Map.of());
        assertThat(invalid.errors()).anySatisfy(e -> assertThat(e).contains("colour"));
        assertThat(endpointId(tenant, "fine")).isNull();
        assertThat(apply("not: [valid", Map.of()).errors()).anySatisfy(e -> assertThat(e).contains("line"));
    }
}
