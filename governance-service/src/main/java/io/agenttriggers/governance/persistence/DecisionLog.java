package io.agenttriggers.governance.persistence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.run.RejectionReason;
import io.agenttriggers.governance.domain.Verdict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The audit of every decision (table {@code governance.decisions}), and the dashboards' queries over it. */
@ApplicationScoped
public class DecisionLog {

    /** A recorded decision. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DecisionRecord(String runId, String tenantId, String eventName, String triggerType, String source,
            String workflowId, String verdict, String reason, String policyId, String policyName, int policyVersion, String detail,
            Duration retryAfter, Integer latencyMicros, boolean degraded, OffsetDateTime eventTime,
            OffsetDateTime decidedAt) {

        public Verdict toVerdict() {
            return "approved".equals(verdict)
                    ? Verdict.approve(policyId, policyName, policyVersion, detail, degraded)
                    : Verdict.reject(RejectionReason.fromWire(reason), policyId, policyName, policyVersion, detail,
                            retryAfter);
        }
    }

    private static final String COLUMNS = "run_id, tenant_id, event_name, trigger_type, source, workflow_id, verdict, "
            + "reason, policy, policy_name, policy_version, detail, retry_after_ms, latency_us, degraded, event_time, decided_at";

    @Inject
    Pool pool;

    /**
     * Records the verdict unless the event was decided before (a redelivery); answers the decision that stands.
     */
    public Uni<DecisionRecord> record(TriggerEvent event, Verdict verdict, long latencyMicros) {
        return recordAll(List.of(new Pending(event, verdict, latencyMicros))).map(l -> l.get(0));
    }

    private static final String INSERT = "insert into governance.decisions (run_id, tenant_id, event_name, "
            + "trigger_type, source, verdict, reason, policy, detail, policy_name, policy_version, retry_after_ms, "
            + "latency_us, degraded, event_time, workflow_id) select * from unnest($1::uuid[], $2::text[], $3::text[], "
            + "$4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], "
            + "$12::bigint[], $13::int[], $14::boolean[], $15::timestamptz[], $16::text[]) on conflict (run_id) do nothing returning " + COLUMNS;

    /** One decision to record. */
    public record Pending(TriggerEvent event, Verdict verdict, long latencyMicros) {
    }

    /**
     * Records many decisions in one pipelined round trip; answers, in order, the decision that stands for each
     * (the earlier one for a redelivered event).
     */
    public Uni<List<DecisionRecord>> recordAll(List<Pending> pending) {
        int n = pending.size();
        UUID[] ids = new UUID[n];
        String[] tenants = new String[n];
        String[] names = new String[n];
        String[] types = new String[n];
        String[] sources = new String[n];
        String[] verdicts = new String[n];
        String[] reasons = new String[n];
        String[] policies = new String[n];
        String[] details = new String[n];
        String[] policyNames = new String[n];
        Integer[] versions = new Integer[n];
        Long[] retries = new Long[n];
        Integer[] latencies = new Integer[n];
        Boolean[] degraded = new Boolean[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] workflows = new String[n];
        for (int i = 0; i < n; i++) {
            TriggerEvent e = pending.get(i).event();
            Verdict v = pending.get(i).verdict();
            ids[i] = UUID.fromString(e.id());
            tenants[i] = e.tenantId();
            names[i] = e.eventName();
            types[i] = e.type().wire();
            sources[i] = e.source();
            verdicts[i] = v.verdict();
            reasons[i] = v.reason() == null ? null : v.reason().wire();
            policies[i] = v.policyId();
            details[i] = v.detail();
            policyNames[i] = v.policyName();
            versions[i] = v.policyVersion();
            retries[i] = v.retryAfter() == null ? null : v.retryAfter().toMillis();
            latencies[i] = (int) Math.min(Integer.MAX_VALUE, pending.get(i).latencyMicros());
            degraded[i] = v.degraded();
            times[i] = e.time();
            workflows[i] = e.workflowId();
        }
        Tuple args = Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(tenants).addArrayOfString(names)
                .addArrayOfString(types).addArrayOfString(sources).addArrayOfString(verdicts)
                .addArrayOfString(reasons).addArrayOfString(policies).addArrayOfString(details)
                .addArrayOfString(policyNames).addArrayOfInteger(versions).addArrayOfLong(retries)
                .addArrayOfInteger(latencies).addArrayOfBoolean(degraded).addArrayOfOffsetDateTime(times)
                .addArrayOfString(workflows);
        // One statement (one round trip, one commit) for the whole batch.
        return pool.preparedQuery(INSERT).execute(args).chain(rows -> {
            Map<String, DecisionRecord> byId = new java.util.HashMap<>();
            rows.forEach(r -> byId.put(r.getUUID("run_id").toString(), map(r)));
            List<String> missing = pending.stream().map(p -> p.event().id()).filter(id -> !byId.containsKey(id))
                    .toList();
            Uni<Map<String, DecisionRecord>> earlier = missing.isEmpty() ? Uni.createFrom().item(Map.of())
                    : findAll(missing);
            return earlier.map(found -> {
                List<DecisionRecord> out = new ArrayList<>(n);
                for (Pending p : pending) {
                    DecisionRecord d = byId.get(p.event().id());
                    out.add(d != null ? d : found.get(p.event().id()));
                }
                return out;
            });
        });
    }

    /** The decisions already recorded for some of these runs (a redelivered batch), by run id. */
    public Uni<Map<String, DecisionRecord>> findAll(List<String> runIds) {
        return pool.preparedQuery("select " + COLUMNS + " from governance.decisions where run_id = any($1)")
                .execute(Tuple.of(runIds.stream().map(UUID::fromString).toArray(UUID[]::new)))
                .map(rows -> {
                    Map<String, DecisionRecord> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put(r.getUUID("run_id").toString(), map(r)));
                    return out;
                });
    }

    public Uni<Optional<DecisionRecord>> find(String runId) {
        return pool.preparedQuery("select " + COLUMNS + " from governance.decisions where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** List filters; null fields do not filter. */
    public record Filter(Optional<Set<String>> tenants, String tenantId, String eventName, String workflowId,
            String verdict, String reason, OffsetDateTime from, OffsetDateTime to) {
    }

    /** Newest first, after the cursor (a run id) when given. */
    public Uni<List<DecisionRecord>> list(Filter f, String afterRunId, int limit) {
        Tuple args = Tuple.tuple();
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from governance.decisions where true");
        where(f, args, sql);
        if (afterRunId != null) {
            args.addUUID(UUID.fromString(afterRunId));
            sql.append(" and run_id < $").append(args.size());
        }
        args.addInteger(limit);
        sql.append(" order by run_id desc limit $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
            List<DecisionRecord> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    private static void where(Filter f, Tuple args, StringBuilder sql) {
        add(args, sql, "tenant_id = $", f.tenantId());
        add(args, sql, "event_name = $", f.eventName());
        add(args, sql, "workflow_id = $", f.workflowId());
        add(args, sql, "verdict = $", f.verdict());
        add(args, sql, "reason = $", f.reason());
        if (f.from() != null) {
            args.addOffsetDateTime(f.from());
            sql.append(" and decided_at >= $").append(args.size());
        }
        if (f.to() != null) {
            args.addOffsetDateTime(f.to());
            sql.append(" and decided_at < $").append(args.size());
        }
        if (f.tenants().isPresent()) {
            args.addArrayOfString(f.tenants().get().toArray(String[]::new));
            sql.append(" and tenant_id = any($").append(args.size()).append(')');
        }
    }

    private static void add(Tuple args, StringBuilder sql, String clause, String value) {
        if (value != null) {
            args.addString(value);
            sql.append(" and ").append(clause).append(args.size());
        }
    }

    /** Counts of one verdict, reason and event name in a window. */
    public record Count(String verdict, String reason, String eventName, long count) {
    }

    /** Aggregates of a window: counts (at most 1,000 groups, largest first) and decision latency percentiles. */
    public record Stats(List<Count> counts, Double p50LatencyMicros, Double p95LatencyMicros,
            Double p99LatencyMicros) {
    }

    public Uni<Stats> stats(Filter f) {
        Tuple args = Tuple.tuple();
        StringBuilder where = new StringBuilder(" where true");
        where(f, args, where);
        String counts = "select verdict, reason, event_name, count(*) as n from governance.decisions" + where
                + " group by verdict, reason, event_name order by n desc limit 1000";
        String latency = "select percentile_cont(0.5) within group (order by latency_us) as p50, "
                + "percentile_cont(0.95) within group (order by latency_us) as p95, "
                + "percentile_cont(0.99) within group (order by latency_us) as p99 from governance.decisions" + where;
        return pool.preparedQuery(counts).execute(args).chain(rows -> {
            List<Count> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Count(r.getString("verdict"), r.getString("reason"),
                    r.getString("event_name"), r.getLong("n"))));
            return pool.preparedQuery(latency).execute(args).map(l -> {
                Row r = l.iterator().next();
                return new Stats(out, r.getDouble("p50"), r.getDouble("p95"), r.getDouble("p99"));
            });
        });
    }

    private static DecisionRecord map(Row r) {
        Long retry = r.getLong("retry_after_ms");
        return new DecisionRecord(r.getUUID("run_id").toString(), r.getString("tenant_id"), r.getString("event_name"),
                r.getString("trigger_type"), r.getString("source"), r.getString("workflow_id"), r.getString("verdict"), r.getString("reason"),
                r.getString("policy"), r.getString("policy_name"), r.getInteger("policy_version"),
                r.getString("detail"), retry == null ? null : Duration.ofMillis(retry), r.getInteger("latency_us"),
                r.getBoolean("degraded"), r.getOffsetDateTime("event_time"), r.getOffsetDateTime("decided_at"));
    }

    /** Helper for views that group counts. */
    public static Map<String, Long> sum(List<Count> counts, java.util.function.Function<Count, String> by) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach(c -> out.merge(by.apply(c) == null ? "none" : by.apply(c), c.count(), Long::sum));
        return out;
    }
}
