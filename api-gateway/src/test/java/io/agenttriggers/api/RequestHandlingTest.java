package io.agenttriggers.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What happens to a request body on its way to an event: limits, content type, sanitization, schema. */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class RequestHandlingTest {

    @Test
    void validatesTheBodyAgainstTheTriggersSchemaWithTheFailingPaths() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/pay\",\"eventName\":\"pay\","
                + "\"authRequired\":false,\"requestSchema\":{\"type\":\"object\",\"required\":[\"amount\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\",\"minimum\":0},\"currency\":{\"type\":\"string\","
                + "\"maxLength\":3}}}}");
        given().contentType("application/json").body("{\"amount\":-1,\"currency\":\"EURO\"}")
                .post("/" + tenant + "/pay")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", is("schema_violation"))
                .body("errors.field", hasItem("$.amount"))
                .body("errors.field", hasItem("$.currency"));
        given().contentType("application/json").body("{\"currency\":\"EUR\"}").post("/" + tenant + "/pay")
                .then().statusCode(422);
        given().contentType("application/json").body("{\"amount\":3,\"currency\":\"EUR\"}").post("/" + tenant + "/pay")
                .then().statusCode(202);
    }

    @Test
    void sanitizesControlCharactersAndDropsConfiguredFields() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/s\",\"eventName\":\"s\","
                + "\"authRequired\":false,\"dropFields\":[\"password\"]}");
        String runId = given().contentType("application/json")
                .body("{\"text\":\"a\\u0000b\\u0007c\\nd\",\"password\":\"hunter2\",\"nested\":[{\"Password\":1,"
                        + "\"__proto__\":{},\"keep\":true}]}")
                .post("/" + tenant + "/s")
                .then().statusCode(202).extract().path("runId");
        JsonNode payload = Api.event(runId).data().payload();
        assertThat(payload.get("text").asText()).isEqualTo("abc\nd");
        assertThat(payload.has("password")).isFalse();
        assertThat(payload.get("nested").get(0).has("Password")).isFalse();
        assertThat(payload.get("nested").get(0).has("__proto__")).isFalse();
        assertThat(payload.get("nested").get(0).get("keep").asBoolean()).isTrue();
    }

    @Test
    void refusesWrongContentTypesOversizedAndMalformedBodies() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/b\",\"eventName\":\"b\","
                + "\"authRequired\":false}");
        given().contentType("text/plain").body("hi").post("/" + tenant + "/b")
                .then().statusCode(415).body("code", is("unsupported_media_type"));
        given().contentType("application/json").body("{\"x\":\"" + "a".repeat(1_100_000) + "\"}")
                .post("/" + tenant + "/b")
                .then().statusCode(413).body("code", is("payload_too_large"));
        given().contentType("application/json").body("[".repeat(100) + "]".repeat(100)).post("/" + tenant + "/b")
                .then().statusCode(400).body("code", is("json_too_deep"));
        given().contentType("application/vnd.acme+json").body("{\"ok\":1}").post("/" + tenant + "/b")
                .then().statusCode(202);
        given().contentType("application/json").header("Idempotency-Key", "x".repeat(300)).body("{}")
                .post("/" + tenant + "/b")
                .then().statusCode(400).body("code", is("invalid_idempotency_key"));
    }

    @Test
    void aGetTriggerTakesTheQueryAsItsPayload() {
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"method\":\"GET\",\"path\":\"/" + tenant
                + "/report/{year}\",\"eventName\":\"report\",\"authRequired\":false}");
        String runId = given().get("/" + tenant + "/report/2026?region=emea&tag=a&tag=b")
                .then().statusCode(202).extract().path("runId");
        JsonNode payload = Api.event(runId).data().payload();
        assertThat(payload.get("year").asText()).isEqualTo("2026");
        assertThat(payload.get("region").asText()).isEqualTo("emea");
        assertThat(payload.get("tag").size()).isEqualTo(2);
    }
}
