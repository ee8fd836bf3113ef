package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.api.persistence.TriggerFile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A tenant cannot register a route that would take requests meant for another tenant's route. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class CrossTenantRouteTest {

    @Inject
    TriggerFile file;

    private static String trigger(String tenant, String name, String path) {
        return "{\"tenantId\":\"" + tenant + "\",\"name\":\"" + name + "\",\"path\":\"" + path
                + "\",\"eventName\":\"e\",\"authRequired\":false}";
    }

    @Test
    void refusesALiteralInsideAnotherTenantsTemplateWithoutNamingIt() {
        // A prefix of this test's own, so the shared database's other routes never overlap.
        String base = "/x-" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        String b = Api.tenant();
        String a = Api.tenant();
        String theirs = Api.register(trigger(b, "orders", base + "/{id}"));

        String body = Api.registerRaw(trigger(a, "steal", base + "/42"))
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("route_taken"))
                .extract().asString();
        assertThat(body).doesNotContain(theirs).doesNotContain(b);
        // The other way round too: a template over another tenant's literal.
        String a2 = Api.tenant();
        Api.register(trigger(a2, "literal", base + "/7/x"));
        Api.registerRaw(trigger(b, "template", base + "/{id}/x")).then().statusCode(409)
                .body("code", is("route_taken"));

        // B's callers still reach B.
        String runId = given().contentType("application/json").body("{}").post(base + "/42")
                .then().statusCode(202).extract().path("runId");
        assertThat(Api.event(runId).source()).isEqualTo("/api/" + theirs);
    }

    @Test
    void anUpdateCannotMoveOntoAnotherTenantsRoute() {
        String base = "/x-" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        String b = Api.tenant();
        String a = Api.tenant();
        Api.register(trigger(b, "orders", base + "/{id}"));
        String mine = Api.register(trigger(a, "elsewhere", base + "-a/42"));

        String body = given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body(trigger(a, "elsewhere", base + "/42"))
                .put("/admin/v1/api-triggers/" + mine)
                .then().statusCode(409).body("code", is("route_taken"))
                .extract().asString();
        assertThat(body).doesNotContain(b);
    }

    @Test
    void aTenantMayPlaceALiteralBesideItsOwnTemplate() {
        String base = "/x-" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        String b = Api.tenant();
        String general = Api.register(trigger(b, "orders", base + "/{id}"));
        String special = Api.register(trigger(b, "order-42", base + "/42"));

        String specialRun = given().contentType("application/json").body("{}").post(base + "/42")
                .then().statusCode(202).extract().path("runId");
        assertThat(Api.event(specialRun).source()).isEqualTo("/api/" + special);
        // Its own same-shape twin is still refused, and then naming its own trigger is fine.
        Api.registerRaw(trigger(b, "twin", base + "/{key}")).then().statusCode(409)
                .body("code", is("route_taken"))
                .body("detail", is("API trigger " + general + " already serves POST " + base + "/{key}"));
    }

    @Test
    void acceptsAnotherTenantsPathThatCannotMatchTheSameRequests() {
        String base = "/x-" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        String b = Api.tenant();
        String a = Api.tenant();
        Api.register(trigger(b, "orders", base + "/{id}"));
        Api.register(trigger(a, "analyse", base + "/{id}/analyse"));
        Api.register(trigger(a, "list", base));
        // A disabled route claims nothing; another method neither.
        Api.register("{\"tenantId\":\"" + a + "\",\"name\":\"off\",\"path\":\"" + base
                + "/43\",\"eventName\":\"e\",\"enabled\":false}");
        Api.register("{\"tenantId\":\"" + a + "\",\"name\":\"get\",\"method\":\"GET\",\"path\":\"" + base
                + "/44\",\"eventName\":\"e\"}");
    }

    @Test
    void aConfiguredRouteOfAnotherTenantIsNotNamed() {
        // The test profile declares POST /api/v1/orders/analyse for tenant acme.
        String body = Api.registerRaw(trigger(Api.tenant(), "over", "/api/v1/{what}/analyse"))
                .then().statusCode(409).body("code", is("route_taken"))
                .extract().asString();
        assertThat(body).doesNotContain("acme").doesNotContain("\"orders\"");
    }

    @Test
    void aFileWhoseTenantsOverlapIsNotAppliedAtAll() {
        String base = "/x-" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        String b = Api.tenant();
        String a = Api.tenant();
        TriggerFile.Applied applied = file.reconcile("""
                triggers:
                  - tenantId: %1$s
                    name: orders
                    path: %3$s/{id}
                    eventName: e
                  - tenantId: %2$s
                    name: steal
                    path: %3$s/42
                    eventName: e
                """.formatted(b, a, base), k -> null).await().atMost(Duration.ofSeconds(20));

        assertThat(applied.errors()).singleElement().asString().startsWith("triggers[1] claims requests of triggers[0]");
        assertThat(applied.created()).isZero();
        given().header("Authorization", Api.ADMIN).get("/admin/v1/api-triggers?tenantId=" + b)
                .then().statusCode(200).body("items.size()", is(0));
    }
}
