package io.agenttriggers.dispatcher.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.dispatcher.RuntimeStub;
import io.agenttriggers.dispatcher.domain.Claim;
import io.agenttriggers.dispatcher.domain.RunRecord.Attempt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The ledger's group commit against the real PostgreSQL: claims of concurrent runs share batches, and whatever the
 * interleaving of new events, repeated dedup keys and redeliveries, each key has exactly one owner.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class LedgerBatchingTest {

    @Inject
    RunLedger ledger;

    @Inject
    Pool pool;

    static TriggerEvent event(String tenant, String dedupKey) {
        return TriggerEvent.builder(TriggerType.QUEUE, "/queue/orders", "order.created", tenant)
                .dedupKey(dedupKey)
                .data(new TriggerData(JsonNodeFactory.instance.objectNode().put("n", 1), Map.of(), null))
                .build();
    }

    @Test
    void everyInterleavingOfDuplicatesAndRedeliveriesLeavesOneOwnerPerKey() {
        for (long seed = 1; seed <= 25; seed++) {
            Random random = new Random(seed);
            String tenant = "batch-" + System.nanoTime();
            int keys = 1 + random.nextInt(12);
            List<TriggerEvent> distinct = new ArrayList<>();
            for (int i = 0, n = keys + random.nextInt(40); i < n; i++) {
                distinct.add(event(tenant, "k" + random.nextInt(keys)));
            }
            // Deliveries: every event at least once, some several times (redeliveries), in a random order.
            List<TriggerEvent> deliveries = new ArrayList<>(distinct);
            for (int i = 0, n = random.nextInt(distinct.size() + 1); i < n; i++) {
                deliveries.add(distinct.get(random.nextInt(distinct.size())));
            }
            Collections.shuffle(deliveries, random);

            // All at once: they are batched together (and, for larger rounds, over several concurrent batches).
            List<Uni<Claim>> claims = deliveries.stream().map(e -> ledger.claim(e, Duration.ofHours(1), java.util.UUID.randomUUID(),
                    Duration.ofSeconds(15), "agent")).toList();
            List<Claim> answers = Uni.join().all(claims).andFailFast().await().atMost(Duration.ofSeconds(30));

            Map<String, String> ownerByKey = new HashMap<>();
            for (int i = 0; i < deliveries.size(); i++) {
                TriggerEvent e = deliveries.get(i);
                Claim c = answers.get(i);
                assertThat(c.run().runId()).as("seed %d: a claim answers its own run", seed).isEqualTo(e.id());
                if (!c.duplicate()) {
                    String before = ownerByKey.putIfAbsent(e.dedupKey(), e.id());
                    assertThat(before == null || before.equals(e.id()))
                            .as("seed %d: key %s owned by %s and %s", seed, e.dedupKey(), before, e.id()).isTrue();
                }
            }
            for (int i = 0; i < deliveries.size(); i++) {
                Claim c = answers.get(i);
                if (c.duplicate()) {
                    assertThat(c.run().status()).isEqualTo(RunStatus.DUPLICATE);
                    assertThat(c.run().originalRunId()).as("seed %d: a duplicate names the owner", seed)
                            .isEqualTo(ownerByKey.get(deliveries.get(i).dedupKey()));
                }
            }
            Set<String> usedKeys = distinct.stream().map(TriggerEvent::dedupKey).collect(Collectors.toSet());
            assertThat(ownerByKey.keySet()).as("seed %d: every key has an owner", seed).isEqualTo(usedKeys);
            // The ledger agrees: one row per distinct event, one non-duplicate per key.
            long rows = pool.preparedQuery("select count(*) as n from dispatch.runs where tenant_id = $1")
                    .execute(Tuple.of(tenant)).await().indefinitely().iterator().next().getLong("n");
            long owners = pool.preparedQuery("select count(*) as n from dispatch.runs where tenant_id = $1 "
                            + "and status <> 'duplicate'")
                    .execute(Tuple.of(tenant)).await().indefinitely().iterator().next().getLong("n");
            assertThat(rows).isEqualTo(distinct.size());
            assertThat(owners).isEqualTo(usedKeys.size());
        }
    }

    @Test
    void concurrentFinishesShareABatchAndEachIsAnsweredItsOwnRun() {
        String tenant = "finish-" + System.nanoTime();
        java.util.UUID owner = java.util.UUID.randomUUID();
        List<TriggerEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(event(tenant, "f" + i));
        }
        Uni.join().all(events.stream().map(e -> ledger.claim(e, Duration.ofHours(1), owner, Duration.ofSeconds(15),
                "agent")).toList()).andFailFast().await().atMost(Duration.ofSeconds(30));

        // Every third finish comes from an execution that no longer holds its run; every other one logs an attempt.
        List<Uni<RunLedger.Finished>> finishes = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            java.util.UUID by = i % 3 == 0 ? java.util.UUID.randomUUID() : owner;
            Attempt attempt = i % 2 == 0 ? new Attempt(0, "agent", java.time.OffsetDateTime.now(),
                    10 + i, 200, null, null) : null;
            finishes.add(ledger.finish(events.get(i).id(), by, RunStatus.SUCCEEDED, null, "agent", "agent-" + i,
                    JsonNodeFactory.instance.objectNode().put("i", i), null, new java.math.BigDecimal("0.0" + i % 10),
                    i, attempt));
        }
        List<RunLedger.Finished> answers = Uni.join().all(finishes).andFailFast().await().atMost(Duration.ofSeconds(30));

        for (int i = 0; i < events.size(); i++) {
            RunLedger.Finished f = answers.get(i);
            assertThat(f.run().runId()).isEqualTo(events.get(i).id());
            if (i % 3 == 0) {
                assertThat(f.ours()).as("finish %d by a stranger", i).isFalse();
                assertThat(f.run().status()).isEqualTo(RunStatus.RUNNING);
            } else {
                assertThat(f.ours()).as("finish %d by the owner", i).isTrue();
                assertThat(f.run().status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(f.run().agentRunId()).isEqualTo("agent-" + i);
                assertThat(f.run().result().get("i").asInt()).isEqualTo(i);
                assertThat(f.run().costUsd()).isEqualByComparingTo("0.0" + i % 10);
                assertThat(f.run().attempts()).isEqualTo(i % 2 == 0 ? 1 : 0);
            }
            // The attempt is logged whoever finished, as the execution that made it saw it.
            List<Attempt> log = ledger.attempts(events.get(i).id()).await().atMost(Duration.ofSeconds(5));
            assertThat(log).hasSize(i % 2 == 0 ? 1 : 0);
            if (i % 2 == 0) {
                assertThat(log.get(0).number()).isEqualTo(1);
                assertThat(log.get(0).durationMs()).isEqualTo(10 + i);
            }
        }
    }

    @Test
    void aFailingItemInABatchDoesNotFailItsNeighbours() {
        ArrayBatcher<Integer, Integer> division = new ArrayBatcher<>(items -> pool
                .preparedQuery("select d, 10 / d as q from unnest($1::int4[]) as d")
                .execute(Tuple.tuple().addArrayOfInteger(items.toArray(Integer[]::new)))
                .map(rows -> {
                    Map<String, Integer> out = new HashMap<>();
                    rows.forEach(r -> out.put(Integer.toString(r.getInteger("d")), r.getInteger("q")));
                    return out;
                }), 64, 1);
        List<Uni<Integer>> results = new ArrayList<>();
        int[] divisors = {1, 2, 0, 5, 10, 0, 1};
        for (int d : divisors) {
            results.add(division.submit(d, Integer.toString(d)).onFailure().recoverWithItem(-1));
        }
        List<Integer> answers = Uni.join().all(results).andFailFast().await().atMost(Duration.ofSeconds(10));
        // Repeated keys (1, 0) wait for a later batch; the zero divisors fail alone.
        assertThat(answers).containsExactly(10, 5, -1, 2, 1, -1, 10);
    }
}
