package io.agenttriggers.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.CloudEventConformance;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.cloudevents.CloudEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class ApiTriggerResourceTest {

    static final String ADMIN = "Bearer test-admin-token";

    static String inboundTopic() {
        return ConfigProvider.getConfig().getValue("mp.messaging.outgoing.\"triggers.inbound\".topic", String.class);
    }

    static String fire(String path, String json) {
        Response response = given().contentType("application/json").body(json)
                .when().post(path)
                .then().statusCode(202)
                .body("status", is("accepted"))
                .extract().response();
        String runId = response.jsonPath().getString("runId");
        assertThat(RunIds.isRunId(runId)).isTrue();
        assertThat(response.header("Location")).endsWith("/runs/" + runId + "/result");
        return runId;
    }

    @Test
    void publishesTheRequestAsABinaryModeCloudEventBeforeAnswering202() throws Exception {
        String runId = fire("/api/v1/orders/analyse", "{\"orderId\":\"o-17\",\"amount\":12.5}");

        ConsumerRecord<String, CloudEvent> record = KafkaTestClient.awaitRecord(inboundTopic(),
                r -> runId.equals(r.value().getId()), Duration.ofSeconds(20));
        CloudEvent ce = record.value();
        assertThat(CloudEventConformance.violations(ce)).isEmpty();
        assertThat(new String(record.headers().lastHeader("ce_specversion").value(), StandardCharsets.UTF_8))
                .isEqualTo("1.0");
        assertThat(record.key()).isEqualTo("acme:orders.analyse");

        TriggerEvent event = TriggerEventCodec.fromCloudEvent(ce);
        assertThat(event.type()).isEqualTo(TriggerType.API);
        assertThat(event.source()).isEqualTo("/api/orders");
        assertThat(event.eventName()).isEqualTo("orders.analyse");
        assertThat(event.tenantId()).isEqualTo("acme");
        assertThat(event.focus()).isEqualTo("fraud");
        assertThat(event.dedupKey()).isEqualTo(runId);
        JsonNode payload = event.data().payload();
        assertThat(payload.get("orderId").asText()).isEqualTo("o-17");
        assertThat(payload.get("amount").decimalValue()).isEqualByComparingTo("12.5");
    }

    @Test
    void refusesBodiesThatAreNotJsonWithProblemDetails() {
        given().contentType("application/json").body("{\"broken\":")
                .when().post("/api/v1/hello")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("invalid_json"))
                .body("status", is(400))
                .body("instance", is("/api/v1/hello"));

        given().contentType("text/plain").body("hello")
                .when().post("/api/v1/hello")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("code", is("unsupported_media_type"));

        // No body at all is a trigger without payload: {}.
        given().contentType("application/json")
                .when().post("/api/v1/hello")
                .then().statusCode(202);
    }

    @Test
    void refusesJsonNestedBeyondTheLimit() {
        String deep = "[".repeat(100) + "]".repeat(100);
        given().contentType("application/json").body(deep)
                .when().post("/api/v1/hello")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("json_too_deep"));
    }

    @Test
    void refusesBodiesOverTheSizeLimit() {
        String big = "{\"x\":\"" + "a".repeat(1_100_000) + "\"}";
        given().contentType("application/json").body(big)
                .when().post("/api/v1/hello")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("code", is("payload_too_large"));
    }

    @Test
    void answersUnknownTriggersWith404Problem() {
        given().contentType("application/json").body("{}")
                .when().post("/api/v1/nothing-here")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", is("unknown_trigger"))
                .body("detail", containsString("/api/v1/nothing-here"));
    }

    @Test
    void readsQueuedForAnAcceptedRunTheLedgerDoesNotHaveYet() {
        String runId = fire("/api/v1/hello", "{\"name\":\"Ada\"}");
        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + runId))
                .willReturn(aResponse().withStatus(404)));

        given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + runId)
                .then().statusCode(200)
                .body("runId", is(runId))
                .body("status", is("queued"))
                .body("tenantId", is("demo"));
    }

    @Test
    void passesTheLedgersViewThroughWithTheCallersToken() {
        String runId = fire("/api/v1/hello", "{\"name\":\"Ada\"}");
        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + runId))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo(ADMIN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"runId\":\"" + runId + "\",\"status\":\"succeeded\",\"result\":{\"ok\":true}}")));

        given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + runId)
                .then().statusCode(200)
                .body("status", is("succeeded"))
                .body("result.ok", is(true));
    }

    @Test
    void runsNeedATokenAndStayInsideItsTenant() {
        String runId = fire("/api/v1/hello", "{}");
        DispatcherStub.server.stubFor(get(urlEqualTo("/api/v1/runs/" + runId))
                .willReturn(aResponse().withStatus(404)));

        given().when().get("/api/v1/runs/" + runId)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("code", is("unauthorized"));
        given().header("Authorization", "Bearer wrong")
                .when().get("/api/v1/runs/" + runId)
                .then().statusCode(401);
        // The demo tenant's run is invisible to a viewer of tenant acme.
        given().header("Authorization", "Bearer test-acme-viewer")
                .when().get("/api/v1/runs/" + runId)
                .then().statusCode(404)
                .body("code", is("run_not_found"));
        given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/not-a-run")
                .then().statusCode(400)
                .body("code", is("invalid_run_id"));
    }

    @Test
    void servesHealthMetricsAndOpenApi() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body(containsString("Kafka"))
                .body(containsString("Database connections health check"));
        fire("/api/v1/hello", "{}");
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("triggers_accepted_total"));
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body(containsString("/api/v1/runs/{runId}"))
                .body(containsString("/runs/{runId}/result"))
                .body(containsString("/admin/v1/api-triggers"))
                .body(containsString("/api/v1/manual/{eventName}"));
    }
}
