package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.agenttriggers.common.event.CloudEventConformance;
import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.agenttriggers.dispatcher.persistence.RedisClaims;
import io.cloudevents.CloudEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class DispatchTest {

    static final String ADMIN = "Bearer test-admin-token";

    static String topic(String direction, String channel) {
        return ConfigProvider.getConfig().getValue("mp.messaging." + direction + ".\"" + channel + "\".topic",
                String.class);
    }

    static TriggerEvent event(String tenant, String dedupKey, DispatchOptions options) {
        return TriggerEvent.builder(TriggerType.API, "/api/hello", "hello.world", tenant)
                .dedupKey(dedupKey)
                .data(new TriggerData(JsonNodeFactory.instance.objectNode().put("name", "Ada"), Map.of(), options))
                .build();
    }

    static void approve(TriggerEvent event) {
        KafkaTestClient.produce(topic("incoming", "triggers.approved"), event.partitionKey(),
                TriggerEventCodec.toCloudEvent(event));
    }

    static RunOutcome awaitOutcome(String runId) {
        ConsumerRecord<String, CloudEvent> record = KafkaTestClient.awaitRecord(topic("outgoing", "triggers.outcomes"),
                r -> runId.equals(r.value().getSubject()), Duration.ofSeconds(30));
        assertThat(CloudEventConformance.violations(record.value())).isEmpty();
        return RunOutcomeCodec.fromCloudEvent(record.value());
    }

    @Test
    void callsTheRuntimeOnceRecordsTheRunAndPublishesItsOutcome() {
        TriggerEvent event = event("acme", null, null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withHeader("Idempotency-Key", equalTo(event.id()))
                .withRequestBody(matchingJsonPath("$.payload.name", equalTo("Ada")))
                .withRequestBody(matchingJsonPath("$.tenantId", equalTo("acme")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-1\",\"status\":\"succeeded\",\"result\":{\"greeting\":\"hi Ada\"},"
                                + "\"costUsd\":0.0123,\"llmCalls\":2}")));
        approve(event);

        RunOutcome outcome = awaitOutcome(event.id());
        assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(outcome.result().get("greeting").asText()).isEqualTo("hi Ada");
        assertThat(outcome.costUsd()).isEqualByComparingTo("0.0123");
        assertThat(outcome.llmCalls()).isEqualTo(2);
        assertThat(outcome.attempts()).isEqualTo(1);

        given().header("Authorization", ADMIN)
                .when().get("/api/v1/runs/" + event.id())
                .then().statusCode(200)
                .body("status", is("succeeded"))
                .body("agentRunId", is("ag-1"))
                .body("decisionMode", is("agent"))
                .body("result.greeting", is("hi Ada"))
                .body("attemptLog.size()", is(1))
                .body("attemptLog[0].statusCode", is(200))
                .body("startedAt", notNullValue())
                .body("duration", org.hamcrest.Matchers.startsWith("PT"));
        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo("/v1/runs"))
                .withHeader("Idempotency-Key", equalTo(event.id())));
    }

    @Test
    void aDeployedWorkflowsRunCarriesItsWorkflowIdToTheRuntimeAndTheLedger() {
        String tenant = "wf-" + System.nanoTime();
        TriggerEvent event = TriggerEvent.builder(TriggerType.CRON, "/cron/nightly", "invoice.review", tenant)
                .workflowId("invoice-review")
                .data(new TriggerData(JsonNodeFactory.instance.objectNode(), Map.of(), null))
                .build();
        TriggerEvent other = event(tenant, null, null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.tenantId", equalTo(tenant)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-wf\",\"status\":\"succeeded\"}")));
        approve(event);
        approve(other);
        awaitOutcome(event.id());
        awaitOutcome(other.id());

        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo("/v1/runs"))
                .withHeader("Idempotency-Key", equalTo(event.id()))
                .withRequestBody(matchingJsonPath("$.workflowId", equalTo("invoice-review"))));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("workflowId", "invoice-review")
                .when().get("/api/v1/runs")
                .then().statusCode(200)
                .body("items.size()", is(1))
                .body("items[0].runId", is(event.id()))
                .body("items[0].workflowId", is("invoice-review"));
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).when().get("/api/v1/runs")
                .then().statusCode(200).body("items.size()", is(2));
    }

    @Test
    void aSecondEventWithTheSameDedupKeyBecomesADuplicateAndNeverReachesTheRuntime() {
        String key = "order-" + System.nanoTime();
        TriggerEvent first = event("acme", key, null);
        TriggerEvent second = event("acme", key, null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.context.dedupKey", equalTo(key)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-2\",\"status\":\"succeeded\",\"result\":1}")));
        approve(first);
        awaitOutcome(first.id());
        approve(second);
        approve(first); // a plain redelivery of the first

        RunOutcome duplicate = awaitOutcome(second.id());
        assertThat(duplicate.status()).isEqualTo(RunStatus.DUPLICATE);
        assertThat(duplicate.originalRunId()).isEqualTo(first.id());
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + second.id())
                .then().statusCode(200).body("status", is("duplicate")).body("originalRunId", is(first.id()));
        // Same partition key, so once a later event is done the redelivery of the first was handled too:
        // its outcome was published once although the event came twice.
        TriggerEvent later = event("acme", key + "-later", null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(later.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-3\",\"status\":\"succeeded\"}")));
        approve(later);
        awaitOutcome(later.id());
        assertThat(KafkaTestClient.readAll(topic("outgoing", "triggers.outcomes"),
                r -> first.id().equals(r.value().getSubject()))).hasSize(1);
        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.context.dedupKey", equalTo(key))));
        // The key is claimed in Redis too, by the first run, with the idempotency window as its TTL.
        assertThat(redisClaims.holder("acme", key).await().atMost(Duration.ofSeconds(5))).contains(first.id());
        long ttl = redis.key(String.class).pttl(RedisClaims.keyOf("acme", key));
        assertThat(ttl).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
    }

    @Test
    void theLedgerDecidesWhenRedisDisagreesAndRedisIsBroughtInLine() {
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.context.dedupKey", matching("^redis-.*")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-r\",\"status\":\"succeeded\"}")));
        // A stale Redis key (it outlived the ledger's claim) names a run the ledger never saw: the event still runs.
        String stale = "redis-stale-" + System.nanoTime();
        redis.value(String.class).set(RedisClaims.keyOf("acme", stale), "not-a-run-of-the-ledger");
        TriggerEvent owner = event("acme", stale, null);
        approve(owner);
        assertThat(awaitOutcome(owner.id()).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(redisClaims.holder("acme", stale).await().atMost(Duration.ofSeconds(5))).contains(owner.id());

        // Redis lost a key (restarted without persistence): a second event is still the ledger's duplicate, and
        // Redis gets the original owner back.
        String lost = "redis-lost-" + System.nanoTime();
        TriggerEvent first = event("acme", lost, null);
        approve(first);
        awaitOutcome(first.id());
        redis.key(String.class).del(RedisClaims.keyOf("acme", lost));
        TriggerEvent second = event("acme", lost, null);
        approve(second);
        RunOutcome duplicate = awaitOutcome(second.id());
        assertThat(duplicate.status()).isEqualTo(RunStatus.DUPLICATE);
        assertThat(duplicate.originalRunId()).isEqualTo(first.id());
        assertThat(redisClaims.holder("acme", lost).await().atMost(Duration.ofSeconds(5))).contains(first.id());
        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.context.dedupKey", equalTo(lost))));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("dispatcher_claim_disagreements_total\\{[^}]*kind=\"redis_stale\"[^}]*} [1-9]")
                .containsPattern("dispatcher_claim_disagreements_total\\{[^}]*kind=\"redis_missing\"[^}]*} [1-9]");
    }

    @Inject
    RedisClaims redisClaims;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @Test
    void retriesServerErrorsThenSucceedsAndLogsEveryAttempt() {
        TriggerEvent event = event("acme", null, null);
        String scenario = "flaky-" + event.id();
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .withHeader("Idempotency-Key", equalTo(event.id()))
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).inScenario(scenario)
                .whenScenarioStateIs("second")
                .withHeader("Idempotency-Key", equalTo(event.id()))
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/v1/runs/ag-poll-" + event.id())));
        RuntimeStub.server.stubFor(get(urlEqualTo("/v1/runs/ag-poll-" + event.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-poll\",\"status\":\"succeeded\",\"result\":\"done\"}")));
        approve(event);

        RunOutcome outcome = awaitOutcome(event.id());
        assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(outcome.attempts()).isEqualTo(2);
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + event.id())
                .then().statusCode(200)
                .body("attemptLog[0].statusCode", is(503))
                .body("attemptLog[0].errorClass", is("http_503"))
                .body("attemptLog[1].statusCode", is(200))
                .body("result", is("done"));
        // The retry is SmallRye Fault Tolerance's, and counted as such.
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("ft_retry_retries_total\\{[^}]*method=\"dispatcher.agent\"[^}]*} [1-9]");
    }

    @Test
    void deadLettersWhenAttemptsRunOutAndFailsAtOnceOnAClientError() {
        TriggerEvent exhausted = event("acme", null, new DispatchOptions(null, null, 2, null));
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(exhausted.id()))
                .willReturn(aResponse().withStatus(500)));
        TriggerEvent refused = event("acme", null, null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(refused.id()))
                .willReturn(aResponse().withStatus(422)));
        approve(exhausted);
        approve(refused);

        RunOutcome dead = awaitOutcome(exhausted.id());
        assertThat(dead.status()).isEqualTo(RunStatus.DEAD_LETTERED);
        assertThat(dead.attempts()).isEqualTo(2);
        ConsumerRecord<String, CloudEvent> letter = KafkaTestClient.awaitRecord(topic("outgoing", "triggers.dlq"),
                r -> exhausted.id().equals(r.value().getId()), Duration.ofSeconds(20));
        assertThat(letter.value().getExtension("dlqreason")).hasToString("http_500");

        RunOutcome failed = awaitOutcome(refused.id());
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.reason()).isEqualTo("http_422");
    }

    @Test
    void listsRunsWithFiltersAndRefusesBadParameters() {
        String tenant = "list-" + System.nanoTime();
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs"))
                .withRequestBody(matchingJsonPath("$.tenantId", equalTo(tenant)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"x\",\"status\":\"succeeded\"}")));
        for (int i = 0; i < 3; i++) {
            approve(event(tenant, null, null));
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> given().header("Authorization", ADMIN)
                .queryParam("tenantId", tenant).queryParam("status", "succeeded")
                .when().get("/api/v1/runs").then().statusCode(200).body("items.size()", is(3)));
        String cursor = given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("limit", 2)
                .when().get("/api/v1/runs").then().statusCode(200).body("items.size()", is(2))
                .extract().path("nextCursor");
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).queryParam("cursor", cursor)
                .when().get("/api/v1/runs").then().statusCode(200).body("items.size()", is(1));

        given().header("Authorization", ADMIN).queryParam("status", "bogus")
                .when().get("/api/v1/runs").then().statusCode(400).body("code", is("invalid_status"));
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/0190b3c4-1a2b-7c3d-8e4f-5a6b7c8d9e0f")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("run_not_found"));
        given().when().get("/api/v1/runs").then().statusCode(401);
    }
}
