package io.agenttriggers.governance.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.run.RunStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What two replicas do at once, on the real database: both apply the same batch (a rebalance hands a partition over
 * while the old owner still works on it), Kafka delivers it a third time, and both replicas' senders drain the
 * outbox together. Every outcome counts once, and every notification is derived and sent once.
 */
@QuarkusTest
class AlertExactlyOnceTest {

    static WireMockServer receiver;

    @Inject
    AlertLedger ledger;

    @Inject
    AlertRules rules;

    @Inject
    AlertDelivery delivery;

    @Inject
    Pool pool;

    @BeforeAll
    static void start() {
        receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
        receiver.stubFor(post(urlEqualTo("/once")).willReturn(aResponse().withStatus(200).withFixedDelay(50)));
    }

    @AfterAll
    static void stop() {
        receiver.stop();
    }

    @Test
    void aBatchAppliedByTwoReplicasAndRedeliveredCountsOnceAndEachNotificationIsSentOnce() {
        String tenant = tenant("once");
        String channelId = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"hook","type":"webhook","url":"http://127.0.0.1:%d/once"}"""
                .formatted(tenant, receiver.port())).when().post("/api/v1/alert-channels").then().statusCode(201)
                .extract().path("id");
        String ruleId = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"each","kind":"consecutive-failures","notifyAt":[1,2,3,4,5,6,7,8,9,10],
                 "channels":["%s"]}""".formatted(tenant, channelId)).when().post("/api/v1/alert-rules").then()
                .statusCode(201).extract().path("id");
        AlertRules.Rule rule = rules.rule(UUID.fromString(ruleId));
        assertThat(rule).isNotNull();

        String topic = "redelivery-" + UUID.randomUUID();
        List<AlertLedger.Pending> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new AlertLedger.Pending(i % 2, i / 2, rule, "job.run", tenant,
                    new Observation(RunIds.next(), RunStatus.FAILED, 5, Instant.now())));
        }
        List<Integer> written = Uni.combine().all().unis(ledger.apply(topic, batch), ledger.apply(topic, batch))
                .with(Integer.class, l -> l).await().atMost(Duration.ofSeconds(30));
        int again = ledger.apply(topic, batch).await().atMost(Duration.ofSeconds(30));
        assertThat(written.get(0) + written.get(1) + again).as("notifications written across the three").isEqualTo(10);

        long count = pool.preparedQuery("select (state->>'consecutive')::int as n from governance.alerts "
                        + "where rule_id = $1").execute(Tuple.of(UUID.fromString(ruleId)))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getInteger("n");
        assertThat(count).isEqualTo(10);

        // Both replicas' senders at once (the scheduled one runs too).
        Uni.combine().all().unis(delivery.sendDue(), delivery.sendDue(), delivery.sendDue()).discardItems()
                .await().atMost(Duration.ofSeconds(30));
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> pool.preparedQuery("select count(*) as n from "
                        + "governance.alert_notifications where tenant_id = $1 and status = 'sent'")
                .execute(Tuple.of(tenant)).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getLong("n") == 10);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/once")))).hasSize(10);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/once"))).stream()
                .map(r -> r.getHeader("webhook-id")).distinct()).hasSize(10);
    }

    @Test
    void aTenantWithEndlessDistinctEventNamesGetsAtMostTheCapOfAlertsPerRulePlusOneForTheRest() {
        String tenant = tenant("keys");
        String channelId = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"mail","type":"email","to":["ops@example.com"]}""".formatted(tenant))
                .when().post("/api/v1/alert-channels").then().statusCode(201).extract().path("id");
        String ruleId = given().header("Authorization", ADMIN).contentType("application/json").body("""
                {"tenantId":"%s","name":"dl","kind":"dead-lettered","channels":["%s"]}""".formatted(tenant, channelId))
                .when().post("/api/v1/alert-rules").then().statusCode(201).extract().path("id");
        AlertRules.Rule rule = rules.rule(UUID.fromString(ruleId));
        String topic = "keys-" + UUID.randomUUID();
        for (int batch = 0; batch < 2; batch++) {
            List<AlertLedger.Pending> pending = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                pending.add(new AlertLedger.Pending(0, batch * 5 + i, rule, "event." + (batch * 5 + i), tenant,
                        new Observation(RunIds.next(), RunStatus.DEAD_LETTERED, 5, Instant.now())));
            }
            ledger.apply(topic, pending).await().atMost(Duration.ofSeconds(30));
        }
        List<String> keys = new ArrayList<>();
        pool.preparedQuery("select group_key from governance.alerts where rule_id = $1 order by group_key")
                .execute(Tuple.of(UUID.fromString(ruleId))).await().atMost(Duration.ofSeconds(10))
                .forEach(r -> keys.add(r.getString("group_key")));
        // The cap is 3 in the test profile: three alerts of their own, and one for the seven other event names.
        assertThat(keys).hasSize(4).contains(AlertLedger.OTHER);
        long other = pool.preparedQuery("select (state->>'count')::int as n from governance.alerts where rule_id = $1 "
                        + "and group_key = $2").execute(Tuple.of(UUID.fromString(ruleId), AlertLedger.OTHER))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getInteger("n");
        assertThat(other).isEqualTo(7);
    }

    @Test
    void aRoundTakesAtMostItsShareOfOneTenantsBacklogSoAnotherTenantsNotificationGoesOutInTheSameRound() {
        String flooding = tenant("flood");
        String quiet = tenant("quiet");
        List<String> channels = new ArrayList<>();
        for (String tenant : List.of(flooding, quiet)) {
            channels.add(given().header("Authorization", ADMIN).contentType("application/json").body("""
                    {"tenantId":"%s","name":"hook","type":"webhook","url":"http://127.0.0.1:%d/once"}"""
                    .formatted(tenant, receiver.port())).when().post("/api/v1/alert-channels").then().statusCode(201)
                    .extract().path("id"));
        }
        // Due an hour from now, so only this test's claims (due by two hours from now) see them, not the poller.
        String insert = "insert into governance.alert_notifications (id, channel_id, tenant_id, seq, kind, body, "
                + "next_attempt_at) select gen_random_uuid(), $1, $2, i, 'test', '{}'::jsonb, now() + interval "
                + "'1 hour' + make_interval(secs => i + $4) from generate_series(1, $3) i";
        pool.preparedQuery(insert).execute(Tuple.of(UUID.fromString(channels.get(0)), flooding, 40, 0))
                .await().atMost(Duration.ofSeconds(10));
        pool.preparedQuery(insert).execute(Tuple.of(UUID.fromString(channels.get(1)), quiet, 1, 100)).await().atMost(Duration.ofSeconds(10));
        try {
            // The quiet tenant's notification is the newest, yet the round takes it; of the backlog, only a share.
            List<String> tenants = delivery.claim(500, 5, java.time.OffsetDateTime.now().plusHours(2))
                    .await().atMost(Duration.ofSeconds(10)).stream()
                    .map(r -> r.getString("tenant_id"))
                    .filter(t -> t.equals(flooding) || t.equals(quiet)).toList();
            assertThat(tenants).contains(quiet);
            assertThat(tenants.stream().filter(flooding::equals)).hasSize(5);
        } finally {
            pool.preparedQuery("delete from governance.alert_notifications where tenant_id = any($1)")
                    .execute(Tuple.of(new String[] {flooding, quiet})).await().atMost(Duration.ofSeconds(10));
        }
    }
}
