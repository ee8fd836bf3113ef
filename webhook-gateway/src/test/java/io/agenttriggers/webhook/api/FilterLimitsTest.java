package io.agenttriggers.webhook.api;

import static io.agenttriggers.webhook.api.WebhookIngressTest.ADMIN;
import static io.agenttriggers.webhook.api.WebhookIngressTest.created;
import static io.agenttriggers.webhook.api.WebhookIngressTest.metric;
import static io.agenttriggers.webhook.api.WebhookIngressTest.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A filter's author and a sender's body cannot make one delivery costly for the gateway's other endpoints. */
@QuarkusTest
class FilterLimitsTest {

    static String items(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.joining(",", "{\"items\":[", "]}"));
    }

    @Test
    void refusesAFilterEstimatedTooExpensiveNamingTheField() {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"cubic\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"e\",\"auth\":{\"type\":\"none\"},"
                        + "\"filter\":\"payload.items.all(x, payload.items.all(y, payload.items.all(z, x+y+z >= 0)))\"}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("filter"))
                .body("errors.message", hasItem(containsString("too expensive")));
    }

    @Test
    void aQuadraticFilterOnALargeBodyAnswers422WhileAnotherEndpointKeepsAccepting() throws Exception {
        String quadratic = (String) created("{\"name\":\"quadratic\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"q\","
                + "\"auth\":{\"type\":\"none\"},\"filter\":\"payload.items.all(x, payload.items.all(y, x + y >= 0))\"}")
                .get("id");
        String plain = (String) created("{\"name\":\"plain\",\"tenantId\":\"" + tenant() + "\",\"eventName\":\"p\","
                + "\"auth\":{\"type\":\"none\"}}").get("id");
        String body = items(3_000);
        // Without the sandbox this body costs nine million iterations on the thread that evaluates it.
        CompletableFuture<Response> heavy = CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                .body(body).when().post("/webhooks/" + quadratic));
        for (int i = 0; i < 5; i++) {
            given().contentType("application/json").body("{\"n\":" + i + "}").when().post("/webhooks/" + plain)
                    .then().statusCode(202);
        }
        heavy.get().then().statusCode(422).contentType("application/problem+json")
                .body("code", is("filter_too_expensive"))
                .body("detail", containsString("iterations"));
        // A small body under the same filter is evaluated as usual.
        given().contentType("application/json").body(items(20)).when().post("/webhooks/" + quadratic)
                .then().statusCode(202);
        assertThat(metric("webhook_filter_limit_exceeded_total", Map.of("endpoint", quadratic))).isEqualTo(1.0);
        assertThat(metric("webhook_requests_total", Map.of("endpoint", quadratic, "status", "422"))).isEqualTo(1.0);
    }
}
