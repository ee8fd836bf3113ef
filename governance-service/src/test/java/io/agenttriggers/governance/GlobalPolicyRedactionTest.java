package io.agenttriggers.governance;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.decision;
import static io.agenttriggers.governance.GovernanceTesting.deletePolicy;
import static io.agenttriggers.governance.GovernanceTesting.event;
import static io.agenttriggers.governance.GovernanceTesting.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.governance.api.PolicyRedaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A global policy is the operator's: a token scoped to tenant acme sees it as "(global)" in evaluations, the decision
 * list and the live stream, while the admin token sees it whole. The scoped token only sees acme, so the tests use
 * that tenant; the global policy matches only event names of this test class and is deleted after each test.
 */
@QuarkusTest
class GlobalPolicyRedactionTest {

    static final String ACME = "Bearer test-acme-viewer";

    @TestHTTPResource("/")
    URL base;

    String unique;
    String globalName;
    String globalId;
    String ownName;
    String ownId;

    @BeforeEach
    void policies() {
        unique = "redact-" + UUID.randomUUID().toString().substring(0, 8);
        globalName = "operator-" + unique;
        ownName = "acme-" + unique;
        // Highest priority: whatever else acme has in the shared database, this one decides its events.
        globalId = createPolicy("{\"name\":\"" + globalName + "\",\"priority\":1000000,\"action\":\"deny\","
                + "\"match\":{\"eventNames\":[\"" + unique + ".global.*\"]}}");
        ownId = createPolicy("{\"name\":\"" + ownName + "\",\"tenantId\":\"acme\",\"priority\":-1000000,"
                + "\"match\":{\"eventNames\":[\"" + unique + ".*\"]}}");
    }

    @AfterEach
    void deletePolicies() {
        deletePolicy(globalId);
        deletePolicy(ownId);
    }

    private Response evaluate(String token, String eventName) {
        return given().header("Authorization", token).contentType("application/json")
                .body("{\"tenantId\":\"acme\",\"eventName\":\"" + eventName + "\"}")
                .when().post("/api/v1/evaluate");
    }

    private void assertHidesTheGlobalPolicy(String body) {
        assertThat(body).doesNotContain(globalName).doesNotContain(globalId).doesNotContain("denies the event");
    }

    @Test
    void evaluateShowsAGlobalPolicyOnlyAsGlobalToTheScopedToken() {
        String eventName = unique + ".global.ping";
        Response scoped = evaluate(ACME, eventName);
        scoped.then().statusCode(200)
                .body("verdict", is("rejected"))
                .body("policyName", is(PolicyRedaction.GLOBAL))
                .body("policyId", nullValue())
                .body("policyVersion", is(0))
                .body("detail", is(PolicyRedaction.GLOBAL_DETAIL))
                .body("matched", hasItem(PolicyRedaction.GLOBAL))
                .body("matched", hasItem(ownName + "@1"));
        assertHidesTheGlobalPolicy(scoped.asString());

        evaluate(ADMIN, eventName).then().statusCode(200)
                .body("policyName", is(globalName))
                .body("policyId", is(globalId))
                .body("policyVersion", is(1))
                .body("detail", is("policy " + globalName + " denies the event"))
                .body("matched", hasItem(globalName + "@1"));

        // The tenant's own policy shows as it is.
        evaluate(ACME, unique + ".own").then().statusCode(200)
                .body("verdict", is("approved"))
                .body("policyName", is(ownName))
                .body("policyId", is(ownId))
                .body("detail", is("matched " + ownName + "@1"));
    }

    @Test
    void theDecisionListAndTheDecisionShowAGlobalPolicyOnlyAsGlobalToTheScopedToken() {
        String eventName = unique + ".global.logged";
        TriggerEvent sent = send(event("acme", eventName));
        String runId = sent.id();
        JsonPath admin = decision(sent);
        assertThat(admin.getString("policyName")).isEqualTo(globalName);
        assertThat(admin.getString("policyId")).isEqualTo(globalId);

        Response list = given().header("Authorization", ACME)
                .queryParam("tenantId", "acme").queryParam("eventName", eventName)
                .when().get("/api/v1/decisions");
        list.then().statusCode(200)
                .body("items.size()", is(1))
                .body("items[0].runId", is(runId))
                .body("items[0].policyName", is(PolicyRedaction.GLOBAL))
                .body("items[0].policyId", nullValue())
                .body("items[0].detail", is(PolicyRedaction.GLOBAL_DETAIL));
        assertHidesTheGlobalPolicy(list.asString());

        Response one = given().header("Authorization", ACME).when().get("/api/v1/decisions/" + runId);
        one.then().statusCode(200).body("policyName", is(PolicyRedaction.GLOBAL));
        assertHidesTheGlobalPolicy(one.asString());

        given().header("Authorization", ADMIN).queryParam("eventName", eventName).when().get("/api/v1/decisions")
                .then().statusCode(200).body("items[0].policyName", is(globalName))
                .body("items[0].detail", is("policy " + globalName + " denies the event"));
    }

    @Test
    void theLiveStreamShowsAGlobalPolicyOnlyAsGlobalToTheScopedToken() {
        String eventName = unique + ".global.live";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/decisions/stream?eventName="
                + eventName)).header("Authorization", ACME).header("Accept", "text/event-stream").build();
        // Headers may only leave with the first event: subscribe asynchronously, then make decisions happen.
        CompletableFuture<HttpResponse<java.io.InputStream>> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new CopyOnWriteArrayList<>();
        response.thenAcceptAsync(r -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = reader.readLine()) != null) {
                    if (l.startsWith("data:")) {
                        lines.add(l);
                    }
                }
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        });
        // Until the subscription is live, decisions pass it by: make one every half second until one arrives.
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            if (lines.isEmpty()) {
                send(event("acme", eventName));
            }
            return !lines.isEmpty();
        });
        String data = lines.get(0);
        assertThat(data).contains("\"tenantId\":\"acme\"").contains("\"policyName\":\"" + PolicyRedaction.GLOBAL + "\"");
        assertHidesTheGlobalPolicy(data);
    }
}
