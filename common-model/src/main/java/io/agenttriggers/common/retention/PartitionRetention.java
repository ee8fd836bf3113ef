package io.agenttriggers.common.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Retention for append-heavy tables range-partitioned by a UUIDv7 key, one partition per UTC day (see the services'
 * migrations): each pass creates the partitions of today and the next {@value #DAYS_AHEAD} days, and drops whole the
 * partitions whose every id is older than the retention. Dropping a partition frees its space at once; deleting the
 * same rows one by one would leave the table and its indexes bloated until a VACUUM FULL.
 *
 * <p>A table's pass is one transaction under a per-table advisory lock, so replicas never race, and with a short
 * {@code lock_timeout}: creating and dropping a partition briefly locks the table, and a pass that cannot get the
 * lock gives up rather than queueing the table's writers behind it; the next pass tries again. Rows that reached the
 * default partition (ids of no partition, e.g. while no pass had run yet) are moved into the partition created for
 * them, and default rows past the retention are deleted.
 */
public final class PartitionRetention {

    /** Partitions exist this many days ahead, so passes can fail for days before a row lands in the default one. */
    public static final int DAYS_AHEAD = 3;

    /**
     * How often the services run a pass: with partitions {@value #DAYS_AHEAD} days ahead an hourly pass has dozens of
     * chances to create each one, and a partition past the retention goes within the hour.
     */
    public static final Duration EVERY = Duration.ofHours(1);

    private static final Logger LOG = Logger.getLogger(PartitionRetention.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final String LOCK_TIMEOUT = "5s";

    /** A partitioned table: {@code schema.name}, range-partitioned by the uuid column {@code key}. */
    public record Table(String schema, String name, String key) {

        public Table {
            for (String identifier : List.of(schema, name, key)) {
                if (!IDENTIFIER.matcher(identifier).matches()) {
                    throw new IllegalArgumentException("not a plain SQL identifier: " + identifier);
                }
            }
        }

        public String qualified() {
            return schema + "." + name;
        }
    }

    /**
     * What one pass over one table did; {@code partitions} counts the table's partitions after it (the default one
     * included). A skipped pass found another replica's pass holding the table.
     */
    public record Pass(String table, List<String> created, List<String> dropped, long movedFromDefault,
            long deletedFromDefault, int partitions, boolean skipped) {
    }

    private final Pool pool;
    private final Duration retention;
    private final List<Table> tables;
    private final List<AtomicInteger> partitionCounts = new ArrayList<>();
    private final List<Counter> dropped = new ArrayList<>();
    private final List<Counter> failures = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public PartitionRetention(Pool pool, MeterRegistry registry, Duration retention, List<Table> tables) {
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("a retention is at least one day (P1D), not " + retention);
        }
        this.pool = pool;
        this.retention = retention;
        this.tables = List.copyOf(tables);
        for (Table table : this.tables) {
            AtomicInteger count = new AtomicInteger();
            registry.gauge("triggers_retention_partitions", List.of(Tag.of("table", table.qualified())), count,
                    AtomicInteger::get);
            partitionCounts.add(count);
            dropped.add(Counter.builder("triggers_retention_partitions_dropped_total")
                    .description("Partitions dropped whole because all their rows were past the retention")
                    .tag("table", table.qualified()).register(registry));
            failures.add(Counter.builder("triggers_retention_failures_total")
                    .description("Retention passes that failed (partitions not created or not dropped)")
                    .tag("table", table.qualified()).register(registry));
        }
    }

    /** Runs a pass now and then every {@code every}; a pass still running when the next is due is not doubled. */
    public void start(Vertx vertx, Duration every) {
        passGuarded();
        timer = vertx.setPeriodic(every.toMillis(), id -> passGuarded());
    }

    public void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void passGuarded() {
        if (running.compareAndSet(false, true)) {
            maintain(Instant.now()).subscribe().with(done -> running.set(false), e -> running.set(false));
        }
    }

    /** One pass over every table as of {@code now}; a table's failure is counted and logged, the others still run. */
    public Uni<List<Pass>> maintain(Instant now) {
        Uni<List<Pass>> chain = Uni.createFrom().item(new ArrayList<>());
        for (int i = 0; i < tables.size(); i++) {
            int index = i;
            chain = chain.chain(passes -> maintain(index, now)
                    .onFailure().recoverWithItem(e -> {
                        failures.get(index).increment();
                        LOG.warnf("Retention of %s failed (the next pass tries again): %s",
                                tables.get(index).qualified(), e.getMessage());
                        return null;
                    })
                    .map(pass -> {
                        if (pass != null) {
                            passes.add(pass);
                        }
                        return passes;
                    }));
        }
        return chain;
    }

    private Uni<Pass> maintain(int index, Instant now) {
        Table table = tables.get(index);
        UUID cutoff = DayRange.bound(now.minus(retention));
        return pool.withTransaction(tx -> tx.preparedQuery("select pg_try_advisory_xact_lock(hashtext($1))")
                .execute(Tuple.of("agent-triggers retention " + table.qualified()))
                .chain(locked -> !locked.iterator().next().getBoolean(0)
                        ? Uni.createFrom().item(new Pass(table.qualified(), List.of(), List.of(), 0, 0, 0, true))
                        : tx.query("set local lock_timeout = '" + LOCK_TIMEOUT + "'").execute()
                                .chain(() -> partitions(tx, table))
                                .chain(partitions -> apply(tx, table, partitions, now, cutoff))))
                .invoke(pass -> {
                    if (!pass.skipped()) {
                        partitionCounts.get(index).set(pass.partitions());
                        dropped.get(index).increment(pass.dropped().size());
                    }
                    pass.created().forEach(p -> LOG.infof("Created partition %s.%s", table.schema(), p));
                    pass.dropped().forEach(p -> LOG.infof("Dropped partition %s.%s: all its rows were older than "
                            + "the retention (%s)", table.schema(), p, retention));
                });
    }

    private Uni<Partitions> partitions(SqlConnection tx, Table table) {
        return tx.preparedQuery("select c.relname, pg_get_expr(c.relpartbound, c.oid) from pg_inherits i "
                        + "join pg_class c on c.oid = i.inhrelid where i.inhparent = to_regclass($1)")
                .execute(Tuple.of(table.qualified()))
                .map(rows -> {
                    List<String[]> children = new ArrayList<>();
                    for (Row row : rows) {
                        children.add(new String[] {row.getString(0), row.getString(1)});
                    }
                    if (children.isEmpty()) {
                        throw new IllegalStateException(table.qualified() + " has no partitions: is it migrated?");
                    }
                    return Partitions.parse(children);
                });
    }

    private Uni<Pass> apply(SqlConnection tx, Table table, Partitions partitions, Instant now, UUID cutoff) {
        String defaultPartition = partitions.defaultPartition().orElseThrow(() -> new IllegalStateException(
                table.qualified() + " has no default partition"));
        List<DayRange> missing = new ArrayList<>();
        for (DayRange day = DayRange.of(now); !day.day().isAfter(DayRange.of(now).day().plusDays(DAYS_AHEAD));
                day = day.next()) {
            if (!partitions.covers(day)) {
                missing.add(day);
            }
        }
        List<String> expired = partitions.ranges().stream().filter(r -> r.endsAtOrBefore(cutoff))
                .map(Partitions.Range::name).toList();
        long[] moved = new long[1];
        Uni<Void> work = Uni.createFrom().voidItem();
        for (DayRange day : missing) {
            work = work.chain(() -> create(tx, table, defaultPartition, day)).invoke(n -> moved[0] += n)
                    .replaceWithVoid();
        }
        for (String name : expired) {
            work = work.chain(() -> tx.query("drop table " + table.schema() + "." + name).execute()).replaceWithVoid();
        }
        int after = partitions.ranges().size() + 1 + missing.size() - expired.size();
        return work
                .chain(() -> tx.preparedQuery("delete from " + table.schema() + "." + defaultPartition + " where "
                        + table.key() + " < $1").execute(Tuple.of(cutoff)))
                .map(deleted -> new Pass(table.qualified(), missing.stream().map(d -> d.partitionOf(table.name()))
                        .toList(), expired, moved[0], deleted.rowCount(), after, false));
    }

    /**
     * Creates the day's partition: a table like the parent, filled with the default partition's rows of its range
     * (PostgreSQL refuses to attach a range the default partition holds rows of), then attached. Returns how many
     * rows moved.
     */
    private Uni<Integer> create(SqlConnection tx, Table table, String defaultPartition, DayRange day) {
        String partition = table.schema() + "." + day.partitionOf(table.name());
        String parent = table.qualified();
        String range = "'" + day.from() + "' and " + table.key() + " < '" + day.to() + "'";
        return tx.query("create table " + partition + " (like " + parent + " including defaults including "
                        + "constraints)").execute()
                .chain(() -> tx.query("with moved as (delete from " + table.schema() + "." + defaultPartition
                        + " where " + table.key() + " >= " + range + " returning *) insert into " + partition
                        + " select * from moved").execute())
                .chain(moved -> tx.query("alter table " + parent + " attach partition " + partition + " for values "
                                + "from ('" + day.from() + "') to ('" + day.to() + "')").execute()
                        .replaceWith(moved.rowCount()));
    }
}
