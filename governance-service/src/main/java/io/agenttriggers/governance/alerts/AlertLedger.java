package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Alerts and their outbox in PostgreSQL. A batch of observations is applied in one transaction with the partition
 * offsets it came from, so a batch delivered again (a crash, a rebalance, a second replica) is never counted twice;
 * the notifications it causes are written in the same transaction, once each ({@code (alert, channel, seq)} is
 * unique). A batch costs five statements however many alerts it moves; rows are locked in a fixed order (partitions,
 * then rule and group key), so two replicas never deadlock over them.
 */
@ApplicationScoped
public class AlertLedger {

    /** One outcome's observation for one rule, with where it came from. */
    record Pending(int partition, long offset, AlertRules.Rule rule, String groupKey, String tenantId,
            Observation observation) {
    }

    private record Group(AlertRules.Rule rule, String groupKey, String tenantId, List<Observation> observations) {
    }

    /** An alert after evaluation: its new state and what it has to notify. */
    private record Evaluated(UUID id, AlertRules.Rule rule, String groupKey, String tenantId, AlertState state,
            List<AlertEvaluator.Notice> notices, boolean silenced) {
    }

    @Inject
    Pool pool;

    @Inject
    GovernanceConfig config;

    Clock clock = Clock.systemUTC();

    /** The group key that outcomes beyond a rule's {@code max-alerts-per-rule} distinct keys count towards. */
    static final String OTHER = "(other)";

    /** Group keys known to have an alert, per rule; others are checked against the cap. At most KNOWN_MAX in all. */
    private final Map<UUID, Set<String>> known = new ConcurrentHashMap<>();
    private final AtomicInteger knownCount = new AtomicInteger();
    private static final int KNOWN_MAX = 200_000;

    /** Applies what is new in {@code pending}; answers the number of notifications written. */
    public Uni<Integer> apply(String topic, List<Pending> pending) {
        Integer[] partitions = pending.stream().map(Pending::partition).distinct().sorted().toArray(Integer[]::new);
        return pool.withTransaction(conn -> conn.preparedQuery("insert into governance.alert_offsets "
                                + "(topic, part, next_offset) select $1, p, 0 from unnest($2::int[]) p "
                                + "on conflict (topic, part) do update set next_offset = governance.alert_offsets.next_offset "
                                + "returning part, next_offset")
                .execute(Tuple.of(topic, partitions))
                .chain(offsets -> {
                    Map<Integer, Long> next = new HashMap<>();
                    offsets.forEach(r -> next.put(r.getInteger("part"), r.getLong("next_offset")));
                    List<Pending> fresh = new ArrayList<>();
                    Map<Integer, Long> newest = new HashMap<>();
                    for (Pending p : pending) {
                        if (p.offset() >= next.getOrDefault(p.partition(), 0L)) {
                            newest.merge(p.partition(), p.offset(), Math::max);
                            fresh.add(p);
                        }
                    }
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return evaluate(conn, fresh).call(() -> saveOffsets(conn, topic, newest));
                }));
    }

    /**
     * Applies observations that carry no offset because applying one twice moves nothing (a budget's use read
     * again); answers the number of notifications written.
     */
    public Uni<Integer> observe(List<Pending> pending) {
        return pool.withTransaction(conn -> evaluate(conn, pending));
    }

    private Uni<Integer> evaluate(SqlConnection conn, List<Pending> pending) {
        Map<String, Group> groups = new TreeMap<>();
        for (Pending p : pending) {
            groups.computeIfAbsent(p.rule().id() + "\u0000" + p.groupKey(),
                    k -> new Group(p.rule(), p.groupKey(), p.tenantId(), new ArrayList<>()))
                    .observations().add(p.observation());
        }
        if (groups.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return capped(conn, List.copyOf(groups.values()))
                .chain(capped -> lockAlerts(conn, capped))
                .chain(evaluated -> write(conn, evaluated));
    }

    /**
     * Evaluates up to {@code limit} firing alerts whose rule depends on time; another replica's tick skips the
     * ones this one holds. Answers the number of notifications written.
     */
    public Uni<Integer> tick(AlertRules rules, int limit) {
        return pool.withTransaction(conn -> conn.preparedQuery("select id, rule_id, tenant_id, group_key, "
                                + "state::text as state, silenced_until from governance.alerts where firing "
                                + "order by id limit $1 for update skip locked")
                .execute(Tuple.of(limit))
                .chain(rows -> {
                    Instant now = clock.instant();
                    List<Evaluated> evaluated = new ArrayList<>();
                    for (Row row : rows) {
                        AlertRules.Rule rule = rules.rule(row.getUUID("rule_id"));
                        if (rule == null || !AlertEvaluator.dependsOnTime(rule.spec())) {
                            continue;
                        }
                        AlertState state = read(row.getString("state"));
                        List<AlertEvaluator.Notice> notices = AlertEvaluator.tick(rule.spec(), state, now);
                        evaluated.add(new Evaluated(row.getUUID("id"), rule, row.getString("group_key"),
                                row.getString("tenant_id"), state, notices, silenced(row, now)));
                    }
                    return write(conn, evaluated);
                }));
    }

    /**
     * The groups with every key beyond its rule's cap folded into {@link #OTHER}. Keys this replica has seen cost
     * nothing; new ones cost one query for the batch (how many alerts each of their rules has, and which of the new
     * keys already exist).
     */
    private Uni<List<Group>> capped(SqlConnection conn, List<Group> groups) {
        List<Group> unknown = groups.stream().filter(g -> !OTHER.equals(g.groupKey())
                && !known.getOrDefault(g.rule().id(), Set.of()).contains(g.groupKey())).toList();
        if (unknown.isEmpty()) {
            return Uni.createFrom().item(groups);
        }
        UUID[] rules = unknown.stream().map(g -> g.rule().id()).distinct().toArray(UUID[]::new);
        String[] keys = unknown.stream().map(Group::groupKey).distinct().toArray(String[]::new);
        return conn.preparedQuery("select rule_id, count(*) as alerts, array_agg(group_key) filter (where group_key "
                        + "= any($2)) as present from governance.alerts where rule_id = any($1) group by rule_id")
                .execute(Tuple.of(rules, keys))
                .map(rows -> {
                    Map<UUID, Long> counts = new HashMap<>();
                    Map<UUID, Set<String>> present = new HashMap<>();
                    for (Row r : rows) {
                        counts.put(r.getUUID("rule_id"), r.getLong("alerts"));
                        String[] found = r.getArrayOfStrings("present");
                        present.put(r.getUUID("rule_id"), found == null ? Set.of() : Set.of(found));
                    }
                    int cap = config.alerts().maxAlertsPerRule();
                    Map<String, Group> out = new TreeMap<>();
                    for (Group g : groups) {
                        UUID rule = g.rule().id();
                        String key = g.groupKey();
                        boolean exists = OTHER.equals(key) || known.getOrDefault(rule, Set.of()).contains(key)
                                || present.getOrDefault(rule, Set.of()).contains(key);
                        if (!exists) {
                            long count = counts.getOrDefault(rule, 0L);
                            if (count >= cap) {
                                key = OTHER;
                            } else {
                                counts.put(rule, count + 1);
                            }
                        }
                        String folded = key;
                        out.computeIfAbsent(rule + "\u0000" + folded,
                                k -> new Group(g.rule(), folded, g.tenantId(), new ArrayList<>()))
                                .observations().addAll(g.observations());
                    }
                    return List.copyOf(out.values());
                });
    }

    /** Creates the alerts that do not exist yet and locks all of them, in one statement; then evaluates each. */
    private Uni<List<Evaluated>> lockAlerts(SqlConnection conn, List<Group> groups) {
        UUID[] ids = new UUID[groups.size()];
        UUID[] ruleIds = new UUID[groups.size()];
        String[] tenants = new String[groups.size()];
        String[] keys = new String[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            ids[i] = UUID.fromString(RunIds.next());
            ruleIds[i] = groups.get(i).rule().id();
            tenants[i] = groups.get(i).tenantId();
            keys[i] = groups.get(i).groupKey();
        }
        // ON CONFLICT DO UPDATE locks an existing row and returns it as it is (only updated_at is rewritten).
        return conn.preparedQuery("insert into governance.alerts (id, rule_id, tenant_id, group_key, state) "
                        + "select i, r, t, g, '{}' from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) "
                        + "as x(i, r, t, g) on conflict (rule_id, group_key) do update set updated_at = "
                        + "governance.alerts.updated_at returning id, rule_id, group_key, state::text as state, "
                        + "silenced_until")
                .execute(Tuple.of(ids, ruleIds, tenants, keys))
                .map(rows -> {
                    Map<String, Row> byKey = new HashMap<>();
                    rows.forEach(r -> byKey.put(r.getUUID("rule_id") + "\u0000" + r.getString("group_key"), r));
                    Instant now = clock.instant();
                    List<Evaluated> out = new ArrayList<>(groups.size());
                    for (Group g : groups) {
                        if (knownCount.get() < KNOWN_MAX && known.computeIfAbsent(g.rule().id(),
                                r -> ConcurrentHashMap.newKeySet()).add(g.groupKey())) {
                            knownCount.incrementAndGet();
                        }
                        Row row = byKey.get(g.rule().id() + "\u0000" + g.groupKey());
                        AlertState state = read(row.getString("state"));
                        List<AlertEvaluator.Notice> notices = AlertEvaluator.apply(g.rule().spec(), state,
                                g.observations(), now);
                        out.add(new Evaluated(row.getUUID("id"), g.rule(), g.groupKey(), g.tenantId(), state,
                                notices, silenced(row, now)));
                    }
                    return out;
                });
    }

    /** Stores every alert's new state in one statement and its notifications (to each enabled channel) in another. */
    private Uni<Integer> write(SqlConnection conn, List<Evaluated> evaluated) {
        if (evaluated.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = evaluated.size();
        UUID[] ids = new UUID[n];
        String[] states = new String[n];
        Boolean[] firing = new Boolean[n];
        Integer[] episodes = new Integer[n];
        OffsetDateTime[] started = new OffsetDateTime[n];
        OffsetDateTime[] resolved = new OffsetDateTime[n];
        List<UUID> alertIds = new ArrayList<>();
        List<String> noticeTenants = new ArrayList<>();
        List<Integer> seqs = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        List<UUID> channels = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
            Evaluated e = evaluated.get(i);
            ids[i] = e.id();
            states[i] = EventJson.write(e.state());
            firing[i] = e.state().firing;
            episodes[i] = e.state().episode;
            started[i] = time(e.state().startedAt);
            resolved[i] = time(e.state().resolvedAt);
            if (e.silenced()) {
                continue;
            }
            for (AlertEvaluator.Notice notice : e.notices()) {
                String body = EventJson.write(body(e.id(), e.rule(), e.groupKey(), e.tenantId(), e.state(), notice,
                        now));
                for (String channel : e.rule().spec().channels()) {
                    alertIds.add(e.id());
                    noticeTenants.add(e.tenantId());
                    seqs.add(notice.seq());
                    kinds.add(notice.kind());
                    bodies.add(body);
                    channels.add(UUID.fromString(channel));
                }
            }
        }
        Uni<Void> update = conn.preparedQuery("update governance.alerts a set state = x.s::jsonb, firing = x.f, "
                        + "episode = x.e, started_at = x.st, resolved_at = x.r, updated_at = now() from unnest("
                        + "$1::uuid[], $2::text[], $3::bool[], $4::int[], $5::timestamptz[], $6::timestamptz[]) "
                        + "as x(i, s, f, e, st, r) where a.id = x.i")
                .execute(Tuple.of(ids, states, firing, episodes, started, resolved)).replaceWithVoid();
        if (alertIds.isEmpty()) {
            return update.replaceWith(0);
        }
        return update.chain(() -> conn.preparedQuery("insert into governance.alert_notifications (id, alert_id, "
                                + "channel_id, tenant_id, seq, kind, body) select gen_random_uuid(), x.a, c.id, x.t, "
                                + "x.s, x.k, x.b::jsonb from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], "
                                + "$5::text[], $6::uuid[]) as x(a, t, s, k, b, ch) join governance.alert_channels c "
                                + "on c.id = x.ch and c.tenant_id = x.t and c.enabled on conflict do nothing")
                        .execute(Tuple.of(alertIds.toArray(UUID[]::new), noticeTenants.toArray(String[]::new),
                                seqs.toArray(Integer[]::new), kinds.toArray(String[]::new),
                                bodies.toArray(String[]::new), channels.toArray(UUID[]::new))))
                .map(r -> r.rowCount());
    }

    private Uni<Void> saveOffsets(SqlConnection conn, String topic, Map<Integer, Long> newest) {
        List<Integer> parts = new ArrayList<>(newest.keySet());
        Long[] next = parts.stream().map(p -> newest.get(p) + 1).toArray(Long[]::new);
        return conn.preparedQuery("update governance.alert_offsets o set next_offset = n.next from "
                        + "unnest($2::int[], $3::bigint[]) as n(part, next) where o.topic = $1 and o.part = n.part")
                .execute(Tuple.of(topic, parts.toArray(Integer[]::new), next)).replaceWithVoid();
    }

    private static boolean silenced(Row row, Instant now) {
        OffsetDateTime until = row.getOffsetDateTime("silenced_until");
        return until != null && until.toInstant().isAfter(now);
    }

    /** What a notification says, whatever the channel: the alert's key facts and a link to it. */
    ObjectNode body(UUID alertId, AlertRules.Rule rule, String groupKey, String tenantId, AlertState state,
            AlertEvaluator.Notice notice, Instant now) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("type", "alert." + notice.kind());
        body.put("alertId", alertId.toString());
        body.put("ruleId", rule.id().toString());
        body.put("ruleName", rule.spec().name());
        body.put("ruleKind", rule.spec().kind());
        body.put("tenantId", tenantId);
        body.put("groupKey", groupKey);
        body.put("state", state.firing ? "firing" : "resolved");
        body.put("summary", notice.summary());
        body.put("episode", state.episode);
        body.put("count", state.count);
        if (state.value != null) {
            body.put("value", state.value);
        }
        body.putPOJO("runIds", List.copyOf(state.recentRuns));
        body.put("startedAt", String.valueOf(state.startedAt));
        if (state.resolvedAt != null) {
            body.put("resolvedAt", state.resolvedAt.toString());
        }
        body.put("at", now.toString());
        body.put("url", config.alerts().linkBase() + "/api/v1/alerts/" + alertId);
        return body;
    }

    static AlertState read(String json) {
        return EventJson.read(json, AlertState.class);
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
