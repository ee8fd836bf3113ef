package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.api.persistence.TriggerFile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The declarative file of API triggers: applied whole or not at all, file triggers refuse REST edits. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class TriggerFileTest {

    @Inject
    TriggerFile file;

    TriggerFile.Applied apply(String yaml, Map<String, String> env) {
        return file.reconcile(yaml, env::get).await().atMost(Duration.ofSeconds(20));
    }

    @Test
    void createsUpdatesAndDeletesWhatTheFileSays() {
        String tenant = Api.tenant();
        String two = """
                triggers:
                  - tenantId: %1$s
                    name: first
                    path: /%1$s/file/one
                    eventName: ${EVENT}
                    authRequired: false
                  - tenantId: %1$s
                    name: second
                    method: PUT
                    path: /%1$s/file/{id}
                    eventName: two
                """.formatted(tenant);
        TriggerFile.Applied applied = apply(two, Map.of("EVENT", "one"));
        assertThat(applied.errors()).isEmpty();
        assertThat(applied.created()).isEqualTo(2);
        String runId = given().contentType("application/json").body("{}").post("/" + tenant + "/file/one")
                .then().statusCode(202).extract().path("runId");
        assertThat(Api.event(runId).eventName()).isEqualTo("one");

        String id = given().header("Authorization", Api.ADMIN)
                .get("/admin/v1/api-triggers?tenantId=" + tenant + "&eventName=one")
                .then().statusCode(200).body("items[0].managedBy", is("file")).extract().path("items[0].id");
        given().header("Authorization", Api.ADMIN).delete("/admin/v1/api-triggers/" + id)
                .then().statusCode(409).body("code", is("managed_by_file"));

        // Unchanged content changes nothing; a changed entry is updated; a dropped one is deleted.
        assertThat(apply(two, Map.of("EVENT", "one")).updated()).isZero();
        TriggerFile.Applied changed = apply("""
                triggers:
                  - tenantId: %1$s
                    name: first
                    path: /%1$s/file/one
                    eventName: uno
                    authRequired: false
                """.formatted(tenant), Map.of());
        assertThat(changed.errors()).isEmpty();
        assertThat(changed.updated()).isEqualTo(1);
        assertThat(changed.deleted()).isGreaterThanOrEqualTo(1);
        given().contentType("application/json").body("{}").put("/" + tenant + "/file/7").then().statusCode(404);
    }

    @Test
    void anInvalidFileChangesNothingAndSaysWhy() {
        String tenant = Api.tenant();
        TriggerFile.Applied applied = apply("""
                triggers:
                  - tenantId: %1$s
                    name: ok
                    path: /%1$s/fine
                    eventName: e
                  - tenantId: %1$s
                    path: /admin/nope
                    eventName: e
                  - tenantId: %1$s
                    path: /%1$s/x
                    eventName: ${MISSING}
                """.formatted(tenant), Map.of());
        assertThat(applied.errors()).anyMatch(e -> e.contains("MISSING"));
        assertThat(applied.created()).isZero();
        TriggerFile.Applied bad = apply("""
                triggers:
                  - tenantId: %1$s
                    name: ok
                    path: /%1$s/fine
                    eventName: e
                  - tenantId: %1$s
                    path: /admin/nope
                    eventName: e
                """.formatted(tenant), Map.of());
        assertThat(bad.errors()).anyMatch(e -> e.startsWith("triggers[1].path"));
        given().contentType("application/json").body("{}").post("/" + tenant + "/fine").then().statusCode(404);
        assertThat(apply("nothing: here", Map.of()).errors()).containsExactly("the file needs a top-level list 'triggers'");
    }
}
