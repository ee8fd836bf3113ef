package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.dispatcher.DispatchTest.approve;
import static io.agenttriggers.dispatcher.DispatchTest.awaitOutcome;
import static io.agenttriggers.dispatcher.DispatchTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.Fallback;
import io.agenttriggers.common.event.FallbackStrategy;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.dispatcher.persistence.RunLeases;
import io.agenttriggers.dispatcher.persistence.RunLedger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A redelivered {@code running} run is fenced: one execution holds it at a time (a lease, renewed while it runs), a
 * redelivery takes it over only once the lease lapsed, the path drawn at the first claim stands, and an execution
 * whose run was taken over can neither end it nor publish. The test profile's lease is 3 s.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class RunFencingTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RunLedger ledger;

    @Inject
    RunLeases leases;

    static String tenant() {
        return "fence-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The run row and claim a first execution (owner {@code owner}) left, as if its replica froze mid-run. */
    void leftRunning(TriggerEvent e, UUID owner, Duration leaseLeft, String path) throws Exception {
        pool.preparedQuery("insert into dispatch.idempotency_keys (tenant_id, dedup_key, run_id, expires_at) "
                        + "values ($1, $2, $3, now() + interval '1 hour')")
                .execute(Tuple.of(e.tenantId(), e.dedupKey(), UUID.fromString(e.id()))).await().atMost(BOUND);
        pool.preparedQuery("insert into dispatch.runs (run_id, tenant_id, event_name, trigger_type, source, dedup_key, "
                        + "status, event_time, started_at, event, owner, lease_until, planned_path) values ($1, $2, "
                        + "$3, $4, $5, $6, 'running', $7, now(), cast(cast($8 as text) as jsonb), $9, now() + $10 * "
                        + "interval '1 millisecond', $11)")
                .execute(Tuple.tuple().addUUID(UUID.fromString(e.id())).addString(e.tenantId())
                        .addString(e.eventName()).addString(e.type().wire()).addString(e.source())
                        .addString(e.dedupKey()).addOffsetDateTime(e.time())
                        .addString(EventJson.MAPPER.writeValueAsString(e)).addUUID(owner)
                        .addLong(leaseLeft.toMillis()).addString(path))
                .await().atMost(BOUND);
    }

    Row run(String runId) {
        return pool.preparedQuery("select status, owner, lease_until, planned_path, outcome_published_at "
                        + "from dispatch.runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId))).await().atMost(BOUND).iterator().next();
    }

    @Test
    void aRedeliveryWaitsForTheLiveLeaseThenResumesOnThePathDrawnAtTheFirstClaim() throws Exception {
        String fallback = "/fallback/" + UUID.randomUUID();
        RuntimeStub.server.stubFor(post(urlEqualTo(fallback)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"answer\":\"from fallback\"}")));
        // Weight 1.0: every new draw is the agent, so only the stored draw can send this run to the fallback.
        TriggerEvent e = event(tenant(), null, new DispatchOptions(1.0,
                new Fallback(RuntimeStub.server.baseUrl() + fallback, FallbackStrategy.ON_FAILURE), null, null));
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(e.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag\",\"status\":\"succeeded\",\"result\":\"from agent\"}")));
        UUID frozen = UUID.randomUUID();
        leftRunning(e, frozen, Duration.ofSeconds(4), "fallback");

        approve(e);
        // Held by the frozen execution: nothing is called while its lease lives.
        Thread.sleep(2_000);
        assertThat(run(e.id()).getUUID("owner")).isEqualTo(frozen);
        RuntimeStub.server.verify(0, postRequestedFor(urlEqualTo(fallback)));

        RunOutcome outcome = awaitOutcome(e.id());
        assertThat(outcome.status()).isEqualTo(RunStatus.FALLBACK_SUCCEEDED);
        assertThat(outcome.decisionMode()).isEqualTo("fallback");
        RuntimeStub.server.verify(1, postRequestedFor(urlEqualTo(fallback)).withHeader("Idempotency-Key",
                equalTo(e.id())));
        RuntimeStub.server.verify(0, postRequestedFor(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key",
                equalTo(e.id())));
        Row after = run(e.id());
        assertThat(after.getUUID("owner")).isNotEqualTo(frozen);
        assertThat(after.getString("planned_path")).isEqualTo("fallback");
    }

    @Test
    void anExecutionWhoseRunWasTakenOverCannotEndItAndOnlyTheHolderDoes() throws Exception {
        TriggerEvent e = event(tenant(), null, null);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        leftRunning(e, first, Duration.ofSeconds(30), "agent");

        RunLedger.TakeOver refused = ledger.takeOver(e.id(), second, Duration.ofSeconds(3), "fallback")
                .await().atMost(BOUND);
        assertThat(refused.path()).isNull();
        assertThat(refused.terminal()).isNull();
        assertThat(refused.heldFor()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));

        // The first execution's lease lapses (its replica stalled): the second takes the run, on the stored path.
        pool.preparedQuery("update dispatch.runs set lease_until = now() - interval '1 second' where run_id = $1")
                .execute(Tuple.of(UUID.fromString(e.id()))).await().atMost(BOUND);
        RunLedger.TakeOver taken = ledger.takeOver(e.id(), second, Duration.ofSeconds(3), "fallback")
                .await().atMost(BOUND);
        assertThat(taken.path()).isEqualTo("agent");

        RunLedger.Finished stale = ledger.finish(e.id(), first, RunStatus.SUCCEEDED, null, "agent", "late", null, null,
                null, 0, null).await().atMost(BOUND);
        assertThat(stale.ours()).isFalse();
        assertThat(stale.run().status()).isEqualTo(RunStatus.RUNNING);

        RunLedger.Finished held = ledger.finish(e.id(), second, RunStatus.FAILED, "agent_http_422", "agent", null, null,
                "no", null, 0, null).await().atMost(BOUND);
        assertThat(held.ours()).isTrue();
        assertThat(held.run().status()).isEqualTo(RunStatus.FAILED);
        // Ended, not yet published, its holder alive: the outcome is the holder's to publish, a redelivery waits.
        RunLedger.TakeOver unpublished = ledger.takeOver(e.id(), UUID.randomUUID(), Duration.ofSeconds(3), "agent")
                .await().atMost(BOUND);
        assertThat(unpublished.terminal()).isNull();
        assertThat(unpublished.heldFor()).isPositive();
        // Published: a later redelivery takes nothing over and is shown the end.
        ledger.markOutcomePublished(e.id()).await().atMost(BOUND);
        RunLedger.TakeOver ended = ledger.takeOver(e.id(), UUID.randomUUID(), Duration.ofSeconds(3), "agent")
                .await().atMost(BOUND);
        assertThat(ended.terminal()).isNotNull();
        assertThat(ended.terminal().status()).isEqualTo(RunStatus.FAILED);
        // Its holder died before publishing (the lease lapsed): a redelivery is shown the end, to publish it.
        pool.preparedQuery("update dispatch.runs set outcome_published_at = null, lease_until = now() - interval "
                        + "'1 second' where run_id = $1").execute(Tuple.of(UUID.fromString(e.id())))
                .await().atMost(BOUND);
        assertThat(ledger.takeOver(e.id(), UUID.randomUUID(), Duration.ofSeconds(3), "agent").await().atMost(BOUND)
                .terminal()).isNotNull();
    }

    @Test
    void theLeasesOfRunsThisReplicaExecutesAreRenewed() throws Exception {
        TriggerEvent e = event(tenant(), null, null);
        UUID owner = UUID.randomUUID();
        leftRunning(e, owner, Duration.ofSeconds(2), "agent");
        OffsetDateTime before = run(e.id()).getOffsetDateTime("lease_until");
        leases.hold(e.id(), owner);
        try {
            Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(
                    () -> run(e.id()).getOffsetDateTime("lease_until").isAfter(before.plusSeconds(1)));
        } finally {
            leases.release(e.id(), owner);
        }
        // Not renewed for an owner that does not hold it.
        UUID other = UUID.randomUUID();
        leases.hold(e.id(), other);
        try {
            OffsetDateTime renewed = run(e.id()).getOffsetDateTime("lease_until");
            Thread.sleep(2_500);
            assertThat(run(e.id()).getOffsetDateTime("lease_until")).isEqualTo(renewed);
        } finally {
            leases.release(e.id(), other);
        }
    }
}
