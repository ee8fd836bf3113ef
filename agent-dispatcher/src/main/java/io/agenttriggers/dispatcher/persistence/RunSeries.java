package io.agenttriggers.dispatcher.persistence;

import io.agenttriggers.common.page.Query;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Finished runs over time, for dashboards: per time bucket of the event's time, the runs by outcome and the
 * end-to-end p95 (event time to finish). One query over at most {@link #MAX_RUNS} runs, the newest of the window.
 */
@ApplicationScoped
public class RunSeries {

    /** Runs read for one series at most; a busier window is drawn from its newest runs, and the answer says so. */
    public static final int MAX_RUNS = 100_000;
    public static final int MAX_BUCKETS = 120;
    public static final Duration MAX_WINDOW = Duration.ofDays(31);

    private static final String OK = "('succeeded', 'fallback_succeeded')";
    private static final String BAD = "('failed', 'dead_lettered')";

    @Inject
    Pool pool;

    /** One bucket: its start, the runs that finished in each way, and their end-to-end p95 (null when none ran). */
    public record Bucket(OffsetDateTime start, long succeeded, long failed, long rejected, long duplicates,
            Double p95EndToEndMs) {
    }

    /** {@code truncated}: the window held more than {@link #MAX_RUNS} finished runs; the older ones are not drawn. */
    public record Series(OffsetDateTime from, OffsetDateTime to, long bucketSeconds, List<Bucket> buckets,
            boolean truncated) {
    }

    /** The filter's finished runs with an event time in [from, to), in {@code buckets} buckets of equal width. */
    public Uni<Series> series(RunLedger.Filter f, OffsetDateTime from, OffsetDateTime to, int buckets) {
        long width = Math.max(1, (Duration.between(from, to).toSeconds() + buckets - 1) / buckets);
        long origin = from.toEpochSecond();
        Query q = Query.select("select status, event_time, finished_at from dispatch.runs")
                .eq("tenant_id", f.tenantId())
                .in("tenant_id", f.tenants())
                .eq("event_name", f.eventName())
                .eq("trigger_type", f.triggerType())
                .eq("source", f.source())
                .eq("workflow_id", f.workflowId())
                .where("event_time", ">=", from)
                .where("event_time", "<", to);
        // origin and width are numbers computed here, not caller text: inlined, the bucket expression stays one
        // expression for the group by.
        String bucket = "floor((extract(epoch from event_time) - " + origin + ") / " + width + ")::int";
        String sql = "select " + bucket + " as b, count(*) as n, "
                + "count(*) filter (where status in " + OK + ") as ok, "
                + "count(*) filter (where status in " + BAD + ") as bad, "
                + "count(*) filter (where status = 'rejected') as rejected, "
                + "count(*) filter (where status = 'duplicate') as dup, "
                + "percentile_cont(0.95) within group (order by extract(epoch from (finished_at - event_time)) * 1000) "
                + "filter (where status in " + OK + " or status in " + BAD + ") as p95 "
                + "from (" + q.sql() + " and finished_at is not null and status not in ('queued', 'running') "
                + "order by run_id desc limit " + MAX_RUNS + ") recent group by b order by b";
        return pool.preparedQuery(sql).execute(Tuple.from(q.args())).map(rows -> {
            long[][] counts = new long[buckets][4];
            Double[] p95 = new Double[buckets];
            long total = 0;
            for (Row r : rows) {
                int b = r.getInteger("b");
                total += r.getLong("n");
                if (b < 0 || b >= buckets) {
                    continue;
                }
                counts[b] = new long[] { r.getLong("ok"), r.getLong("bad"), r.getLong("rejected"), r.getLong("dup") };
                p95[b] = r.getDouble("p95");
            }
            List<Bucket> out = new ArrayList<>(buckets);
            for (int b = 0; b < buckets; b++) {
                OffsetDateTime start = OffsetDateTime.ofInstant(from.toInstant().plusSeconds(b * width), ZoneOffset.UTC);
                out.add(new Bucket(start, counts[b][0], counts[b][1], counts[b][2], counts[b][3], p95[b]));
            }
            return new Series(from, to, width, out, total >= MAX_RUNS);
        });
    }
}
