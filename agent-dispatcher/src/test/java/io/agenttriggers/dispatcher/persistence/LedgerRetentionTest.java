package io.agenttriggers.dispatcher.persistence;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.common.retention.DayRange;
import io.agenttriggers.common.retention.PartitionRetention;
import io.agenttriggers.dispatcher.RuntimeStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The ledger's retention against the real PostgreSQL, in a database of its own ({@code triggers_retention}, cleaned
 * and migrated at start): passes run at times 200 days ahead, where every day before is past the retention, so they
 * drop all the partitions of today's real runs too. Old day partitions go whole, with their attempts; rows of no
 * partition wait in the default one and move into their partition once it exists; the lists answer throughout.
 */
@QuarkusTest
@TestProfile(LedgerRetentionTest.Profile.class)
@QuarkusTestResource(value = RuntimeStub.class, restrictToAnnotatedClass = true)
class LedgerRetentionTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/triggers_retention",
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/triggers_retention",
                    "quarkus.flyway.clean-disabled", "false",
                    "quarkus.flyway.clean-at-start", "true",
                    "triggers.dispatcher.run-retention", "P2D");
        }
    }

    private static final String ADMIN = "Bearer test-admin-token";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    LedgerRetention retention;

    @Inject
    Pool pool;

    @Test
    void oldDayPartitionsAreDroppedWholeAndTheListsStillAnswer() {
        Instant day = Instant.now().plus(200, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        String tenant = "retention-" + System.nanoTime();

        // The service's own pass at start (real time) created tomorrow's partition; today's runs are in the first one.
        String tomorrow = DayRange.of(Instant.now()).next().partitionOf("runs");
        org.awaitility.Awaitility.await().atMost(BOUND).until(() -> children("dispatch.runs").contains(tomorrow));

        List<PartitionRetention.Pass> first = pass(day.plus(1, ChronoUnit.HOURS));
        PartitionRetention.Pass runs = first.get(0);
        assertThat(runs.table()).isEqualTo("dispatch.runs");
        assertThat(runs.created()).containsExactly(name(day, 0), name(day, 1), name(day, 2), name(day, 3));
        assertThat(runs.dropped()).as("the first partition (the migrated table) and tomorrow's").contains("runs_p_initial")
                .contains(tomorrow);
        assertThat(first.get(1).created()).containsExactly(name(day, 0).replace("runs", "attempts"),
                name(day, 1).replace("runs", "attempts"), name(day, 2).replace("runs", "attempts"),
                name(day, 3).replace("runs", "attempts"));

        String old = insertRun(tenant, day.plus(2, ChronoUnit.HOURS));
        String young = insertRun(tenant, day.plus(3, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS));
        String ahead = insertRun(tenant, day.plus(5, ChronoUnit.DAYS));
        String stale = insertRun(tenant, day.minus(30, ChronoUnit.DAYS));
        insertAttempt(old);
        insertAttempt(young);
        assertThat(partitionOf(ahead)).as("no partition holds its day yet").isEqualTo("runs_default");
        assertThat(partitionOf(stale)).as("its day's partition was dropped").isEqualTo("runs_default");
        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).when().get("/api/v1/runs")
                .then().statusCode(200).body("items.runId", contains(ahead, young, old, stale));

        List<PartitionRetention.Pass> second = pass(day.plus(3, ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS));
        runs = second.get(0);
        assertThat(runs.dropped()).as("every run of that day is older than 2 days").containsExactly(name(day, 0));
        assertThat(runs.created()).containsExactly(name(day, 4), name(day, 5), name(day, 6));
        assertThat(runs.movedFromDefault()).isEqualTo(1);
        assertThat(runs.deletedFromDefault()).isEqualTo(1);
        assertThat(second.get(1).dropped()).containsExactly(name(day, 0).replace("runs", "attempts"));
        assertThat(partitionOf(ahead)).isEqualTo(name(day, 5));

        given().header("Authorization", ADMIN).queryParam("tenantId", tenant).when().get("/api/v1/runs")
                .then().statusCode(200).body("items.runId", contains(ahead, young));
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + old)
                .then().statusCode(404).body("code", is("run_not_found"));
        given().header("Authorization", ADMIN).when().get("/api/v1/runs/" + young)
                .then().statusCode(200).body("attemptLog.size()", is(1));
        assertThat(count("select count(*) from dispatch.attempts where run_id = $1", old)).isZero();
        assertThat(children("dispatch.runs")).doesNotContain(name(day, 0), "runs_p_initial")
                .contains(name(day, 1), name(day, 6), "runs_default");
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString(
                        "triggers_retention_partitions_dropped_total{table=\"dispatch.runs\"}"))
                .body(org.hamcrest.Matchers.containsString("triggers_retention_partitions{table=\"dispatch.runs\"} 7.0"));
    }

    /** A pass as of {@code now}, repeated while the service's own pass holds the tables. */
    private List<PartitionRetention.Pass> pass(Instant now) {
        return org.awaitility.Awaitility.await("the retention pass gets the tables").atMost(BOUND)
                .until(() -> retention.keeper().maintain(now).await().atMost(BOUND),
                        passes -> passes.size() == 2 && passes.stream().noneMatch(PartitionRetention.Pass::skipped));
    }

    private static String name(Instant day, int plusDays) {
        return DayRange.of(day.plus(plusDays, ChronoUnit.DAYS)).partitionOf("runs");
    }

    /** A UUIDv7 of the given time. */
    private static String idAt(Instant at) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (at.toEpochMilli() << 16) | 0x7000L | random.nextLong(0x1000);
        long low = 0x8000_0000_0000_0000L | random.nextLong(0x4000_0000_0000_0000L);
        return new UUID(high, low).toString();
    }

    private String insertRun(String tenant, Instant at) {
        String id = idAt(at);
        pool.preparedQuery("insert into dispatch.runs (run_id, tenant_id, event_name, trigger_type, source, dedup_key, "
                        + "status, event_time) values ($1, $2, 'order.created', 'queue', '/queue/orders', $3, "
                        + "'succeeded', now())")
                .execute(Tuple.of(UUID.fromString(id), tenant, "k-" + id)).await().atMost(BOUND);
        return id;
    }

    private void insertAttempt(String runId) {
        pool.preparedQuery("insert into dispatch.attempts (run_id, number, path, started_at, duration_ms, status_code) "
                + "values ($1, 1, 'agent', now(), 12, 200)").execute(Tuple.of(UUID.fromString(runId))).await()
                .atMost(BOUND);
    }

    private String partitionOf(String runId) {
        return pool.preparedQuery("select tableoid::regclass::text from dispatch.runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId))).await().atMost(BOUND).iterator().next().getString(0)
                .replace("dispatch.", "");
    }

    private long count(String sql, String runId) {
        return pool.preparedQuery(sql).execute(Tuple.of(UUID.fromString(runId))).await().atMost(BOUND).iterator()
                .next().getLong(0);
    }

    private List<String> children(String table) {
        List<String> names = new ArrayList<>();
        for (Row row : pool.preparedQuery("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where i.inhparent = to_regclass($1)").execute(Tuple.of(table)).await().atMost(BOUND)) {
            names.add(row.getString(0));
        }
        return names;
    }
}
