package io.agenttriggers.console;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's one URL: what it passes to the services, what it refuses, and who a token is. */
@QuarkusTest
@QuarkusTestResource(ServiceStub.class)
class ConsoleProxyTest {

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void reset() {
        ServiceStub.server.resetAll();
    }

    @Test
    void passesACallWithItsTokenQueryBodyAndIfMatchAndTheServiceAnswerAsItIs() {
        ServiceStub.server.stubFor(put(urlEqualTo("/api/v1/policies/p1?dryRun=true"))
                .willReturn(aResponse().withStatus(412).withHeader("Content-Type", "application/problem+json")
                        .withHeader("ETag", "\"3\"").withHeader("Set-Cookie", "s=1")
                        .withBody("{\"code\":\"version_conflict\",\"status\":412}")));
        given().header("Authorization", "Bearer someone").header("If-Match", "\"2\"").header("Cookie", "console=1")
                .header("X-Forwarded-For", "6.6.6.6").contentType("application/json").body("{\"name\":\"p\"}")
                .put("/console/api/governance/api/v1/policies/p1?dryRun=true")
                .then().statusCode(412).contentType("application/problem+json").body("code", is("version_conflict"))
                .header("ETag", "\"3\"").header("Cache-Control", "no-store").header("Set-Cookie", (String) null);
        ServiceStub.server.verify(putRequestedFor(urlEqualTo("/api/v1/policies/p1?dryRun=true"))
                .withHeader("Authorization", equalTo("Bearer someone"))
                .withHeader("If-Match", equalTo("\"2\""))
                .withHeader("Cookie", absent())
                .withHeader("X-Forwarded-For", absent())
                .withRequestBody(equalToJson("{\"name\":\"p\"}")));
    }

    @Test
    void aServiceBaseUrlWithAPathKeepsIt() {
        ServiceStub.server.stubFor(get(urlEqualTo("/dispatcher/api/v1/runs?status=failed"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));
        given().get("/console/api/dispatcher/api/v1/runs?status=failed").then().statusCode(200).body("items.size()", is(0));
    }

    @Test
    void refusesInternalAndManagementPathsUnknownServicesAndClimbingOutBeforeAnyCall() {
        ServiceStub.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        for (String path : new String[] { "/internal/v1/deployments/acme/w", "/q/metrics", "/acme/orders",
                "/api/v1/../internal/v1/x", "/api/v1/%2e%2e/internal", "/api/v1//x", "/api/v1/a%2Fb" }) {
            given().get("/console/api/governance" + path).then().statusCode(404)
                    .contentType("application/problem+json").body("code", is("not_proxied"));
        }
        given().urlEncodingEnabled(false).get("/console/api/governance/api/v1/%2E%2E/internal/v1/x").then()
                .statusCode(404).body("code", is("not_proxied"));
        given().get("/console/api/vault/api/v1/secrets").then().statusCode(404).body("code", is("unknown_service"))
                .body("detail", containsString("governance"));
        given().post("/console/api/governance/api/v1/public/webhook/workflow/w").then().statusCode(404);
        assertThat(ServiceStub.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void aBodyPastTheBoundIsRefusedWithoutReachingTheService() {
        given().contentType("application/json").body("{\"x\":\"" + "a".repeat(1_100_000) + "\"}")
                .post("/console/api/governance/api/v1/policies")
                .then().statusCode(413).body("code", is("payload_too_large"));
        assertThat(ServiceStub.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void aServiceThatIsDownIsA502NotAHang() {
        given().get("/console/api/cron/api/v1/schedules").then().statusCode(502);
    }

    @Test
    void aLiveStreamArrivesEventByEventNotAtTheEnd() throws Exception {
        // WireMock sends the two events 1.5 s apart (chunked dribble): the first must arrive well before the second.
        ServiceStub.server.stubFor(get(urlEqualTo("/api/v1/decisions/stream")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withChunkedDribbleDelay(2, 3000)
                .withBody("data: {\"runId\":\"r1\"}\n\n" + "data: {\"runId\":\"r2\"}\n\n")));
        HttpURLConnection c = (HttpURLConnection) new URL(root, "/console/api/governance/api/v1/decisions/stream")
                .openConnection();
        c.setRequestProperty("Accept", "text/event-stream");
        long started = System.nanoTime();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).contains("r1");
            long first = System.nanoTime() - started;
            in.readLine();
            assertThat(in.readLine()).contains("r2");
            long second = System.nanoTime() - started;
            assertThat(second - first).isGreaterThan(1_000_000_000L);
        }
        ServiceStub.server.verify(getRequestedFor(urlEqualTo("/api/v1/decisions/stream")));
    }

    @Test
    void theSessionSaysWhoATokenIsAndWhatItMayDo() {
        given().header("Authorization", "Bearer test-admin-token").get("/console/session").then().statusCode(200)
                .body("role", is("admin")).body("canWrite", is(true)).body("canOperate", is(true))
                .body("tenants[0]", is("*"));
        given().header("Authorization", "Bearer test-acme-viewer").get("/console/session").then().statusCode(200)
                .body("name", is("acme-viewer")).body("role", is("viewer")).body("canWrite", is(false))
                .body("canOperate", is(false)).body("tenants[0]", is("acme"));
        given().header("Authorization", "Bearer test-ops").get("/console/session").then().statusCode(200)
                .body("role", is("operator")).body("canWrite", is(false)).body("canOperate", is(true));
        given().header("Authorization", "Bearer nope").get("/console/session").then().statusCode(401);
        given().get("/console/session").then().statusCode(401);
    }

    @Test
    void servesTheAppWithHeadersThatKeepItToItsOwnOrigin() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<div id=\"root\">"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", "nosniff");
    }
}
