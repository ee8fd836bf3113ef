package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Fallback URLs of API and manual triggers are held to the outbound URL policy when they are registered. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class OutboundUrlRegistrationTest {

    static String trigger(String tenant, String extra, String fallbackUrl) {
        return "{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/fb\",\"eventName\":\"e\"" + extra
                + ",\"options\":{\"fallback\":{\"url\":\"" + fallbackUrl + "\",\"strategy\":\"on_failure\"}}}";
    }

    @Test
    void aFallbackAimedAtTheMetadataServiceIsAFieldErrorOfTheSame422() {
        String tenant = Api.tenant();
        Api.registerRaw(trigger(tenant, ",\"method\":\"TRACE\"", "http://169.254.169.254/latest/meta-data"))
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", is("invalid_trigger"))
                .body("errors.field", hasItem("method"))
                .body("errors.find { it.field == 'options.fallback.url' }.message", allOf(
                        startsWith("points at 169.254.169.254, a link-local address (the cloud metadata service)"),
                        containsString("refused unless triggers.outbound.allow lists them")));
    }

    @Test
    void refusesInwardAndMalformedFallbacksAndAcceptsAPublicOne() {
        String tenant = Api.tenant();
        String[][] refused = {
            { "http://10.1.2.3:8080/run", "points at 10.1.2.3, a private address" },
            { "http://[::ffff:192.168.0.1]/run", "points at 192.168.0.1, a private address" },
            { "http://[::1]/run", "points at 0:0:0:0:0:0:0:1, a loopback address" },
            { "http://localhost:8085/api/v1/runs", "points at localhost, a loopback name" },
            { "ftp://files.example.com/run", "must be an http or https URL" },
            { "https://user:secret@hooks.example.com/run", "must not carry credentials" },
            { "https://hooks.example.com/" + "a".repeat(2048), "must be at most 2048 characters" },
        };
        for (String[] r : refused) {
            Api.registerRaw(trigger(tenant, "", r[0])).then().statusCode(422)
                    .body("errors.find { it.field == 'options.fallback.url' }.message", startsWith(r[1]));
        }
        // Registration does not ask DNS: a public-looking name is accepted; the dispatcher checks where it resolves.
        String id = Api.register(trigger(tenant, "", "https://hooks.example.com/fallback"));
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body(trigger(tenant, "", "http://100.64.0.1/run"))
                .when().put("/admin/v1/api-triggers/" + id)
                .then().statusCode(422)
                .body("errors.find { it.field == 'options.fallback.url' }.message",
                        startsWith("points at 100.64.0.1, a carrier-grade NAT address"));
    }

    @Test
    void aManualTriggersFallbackIsCheckedToo() {
        given().header("Authorization", Api.ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"acme\",\"eventName\":\"fb-" + System.nanoTime() + "\",\"options\":{\"fallback\":"
                        + "{\"url\":\"http://169.254.169.254/latest/meta-data\",\"strategy\":\"always\"}}}")
                .post("/admin/v1/manual-triggers")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", is("invalid_manual_trigger"))
                .body("errors.field", hasItem("options.fallback.url"))
                .body("errors.find { it.field == 'options.fallback.url' }.message",
                        containsString("169.254.169.254, a link-local address"));
    }
}
