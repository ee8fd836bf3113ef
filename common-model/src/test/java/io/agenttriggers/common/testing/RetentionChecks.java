package io.agenttriggers.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.retention.DayRange;
import io.agenttriggers.common.retention.PartitionRetention;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A service's retention as it runs against the shared database: its pass at start made the partitions of the next
 * {@value PartitionRetention#DAYS_AHEAD} days, a row written now lands in a day partition (not the default one), and
 * a pass now changes nothing more. What old partitions' dropping does is LedgerRetentionTest's (in a database of its
 * own, as it drops everything before a date ahead).
 */
public final class RetentionChecks {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private RetentionChecks() {
    }

    /**
     * @param table      {@code schema.name}
     * @param key        its partition key column
     * @param writtenNow the key of a row the test just wrote through the service
     */
    public static void partitionedAhead(Pool pool, PartitionRetention retention, String table, String key,
            String writtenNow) {
        String name = table.substring(table.indexOf('.') + 1);
        DayRange today = DayRange.of(Instant.now());
        List<String> ahead = new ArrayList<>();
        for (DayRange day = today.next(); ahead.size() < PartitionRetention.DAYS_AHEAD; day = day.next()) {
            ahead.add(day.partitionOf(name));
        }
        Awaitility.await().atMost(BOUND).until(() -> children(pool, table).containsAll(ahead));
        assertThat(children(pool, table)).contains(name + "_default");

        String holder = pool.preparedQuery("select tableoid::regclass::text from " + table + " where " + key + " = $1")
                .execute(Tuple.of(java.util.UUID.fromString(writtenNow))).await().atMost(BOUND).iterator().next()
                .getString(0);
        assertThat(holder).as("the row of today").isIn(table.replace(name, today.partitionOf(name)),
                table + "_p_initial");

        List<PartitionRetention.Pass> passes = Awaitility.await().atMost(BOUND)
                .until(() -> retention.maintain(Instant.now()).await().atMost(BOUND),
                        p -> p.size() == 1 && !p.get(0).skipped());
        assertThat(passes.get(0).created()).as("nothing left to create").isEmpty();
        assertThat(passes.get(0).partitions()).isEqualTo(children(pool, table).size());
    }

    private static List<String> children(Pool pool, String table) {
        List<String> names = new ArrayList<>();
        for (Row row : pool.preparedQuery("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where i.inhparent = to_regclass($1)").execute(Tuple.of(table)).await().atMost(BOUND)) {
            names.add(row.getString(0));
        }
        return names;
    }
}
