package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.smallrye.mutiny.Multi;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Alerts and their outbox in PostgreSQL. A batch of observations is applied in one transaction with the partition
 * offsets it came from, so a batch delivered again (a crash, a rebalance, a second replica) is never counted twice;
 * the notifications it causes are written in the same transaction, once each ({@code (alert, channel, seq)} is
 * unique). Alerts are locked in a fixed order, so two replicas never deadlock over them.
 */
@ApplicationScoped
public class AlertLedger {

    /** One outcome's observation for one rule, with where it came from. */
    record Pending(int partition, long offset, AlertRules.Rule rule, String groupKey, String tenantId,
            Observation observation) {
    }

    private record Group(AlertRules.Rule rule, String groupKey, String tenantId, List<Observation> observations) {
    }

    @Inject
    Pool pool;

    @Inject
    GovernanceConfig config;

    Clock clock = Clock.systemUTC();

    /** Applies what is new in {@code pending}; answers the number of notifications written. */
    public Uni<Integer> apply(String topic, List<Pending> pending) {
        List<Integer> partitions = pending.stream().map(Pending::partition).distinct().sorted().toList();
        return pool.withTransaction(conn -> lockOffsets(conn, topic, partitions).chain(next -> {
            Map<String, Group> groups = new LinkedHashMap<>();
            Map<Integer, Long> newest = new HashMap<>();
            for (Pending p : pending) {
                if (p.offset() < next.getOrDefault(p.partition(), 0L)) {
                    continue;
                }
                newest.merge(p.partition(), p.offset(), Math::max);
                groups.computeIfAbsent(p.rule().id() + "\u0000" + p.groupKey(),
                        k -> new Group(p.rule(), p.groupKey(), p.tenantId(), new ArrayList<>()))
                        .observations().add(p.observation());
            }
            List<Group> ordered = groups.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(Map.Entry::getValue).toList();
            return Multi.createFrom().iterable(ordered)
                    .onItem().transformToUniAndConcatenate(g -> applyGroup(conn, g))
                    .collect().with(Collectors.summingInt(n -> n))
                    .call(() -> saveOffsets(conn, topic, newest));
        }));
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
                    List<Row> all = new ArrayList<>();
                    rows.forEach(all::add);
                    return Multi.createFrom().iterable(all).onItem().transformToUniAndConcatenate(row -> {
                        AlertRules.Rule rule = rules.rule(row.getUUID("rule_id"));
                        if (rule == null || !AlertEvaluator.dependsOnTime(rule.spec())) {
                            return Uni.createFrom().item(0);
                        }
                        AlertState state = read(row.getString("state"));
                        Instant now = clock.instant();
                        List<AlertEvaluator.Notice> notices = AlertEvaluator.tick(rule.spec(), state, now);
                        return save(conn, row.getUUID("id"), rule, row.getString("group_key"),
                                row.getString("tenant_id"), state, notices, row.getOffsetDateTime("silenced_until"),
                                now);
                    }).collect().with(Collectors.summingInt(n -> n));
                }));
    }

    private Uni<Map<Integer, Long>> lockOffsets(SqlConnection conn, String topic, List<Integer> partitions) {
        Integer[] parts = partitions.toArray(Integer[]::new);
        return conn.preparedQuery("insert into governance.alert_offsets (topic, part, next_offset) "
                        + "select $1, p, 0 from unnest($2::int[]) p on conflict do nothing")
                .execute(Tuple.of(topic, parts))
                .chain(() -> conn.preparedQuery("select part, next_offset from governance.alert_offsets "
                                + "where topic = $1 and part = any($2::int[]) order by part for update")
                        .execute(Tuple.of(topic, parts)))
                .map(rows -> {
                    Map<Integer, Long> next = new HashMap<>();
                    rows.forEach(r -> next.put(r.getInteger("part"), r.getLong("next_offset")));
                    return next;
                });
    }

    private Uni<Void> saveOffsets(SqlConnection conn, String topic, Map<Integer, Long> newest) {
        if (newest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Integer> parts = new ArrayList<>(newest.keySet());
        Long[] next = parts.stream().map(p -> newest.get(p) + 1).toArray(Long[]::new);
        return conn.preparedQuery("update governance.alert_offsets o set next_offset = n.next from "
                        + "unnest($2::int[], $3::bigint[]) as n(part, next) where o.topic = $1 and o.part = n.part")
                .execute(Tuple.of(topic, parts.toArray(Integer[]::new), next)).replaceWithVoid();
    }

    private Uni<Integer> applyGroup(SqlConnection conn, Group g) {
        return conn.preparedQuery("insert into governance.alerts (id, rule_id, tenant_id, group_key, state) "
                        + "values ($1, $2, $3, $4, '{}') on conflict (rule_id, group_key) do nothing")
                .execute(Tuple.of(UUID.fromString(RunIds.next()), g.rule().id(), g.tenantId(), g.groupKey()))
                .chain(() -> conn.preparedQuery("select id, state::text as state, silenced_until from "
                                + "governance.alerts where rule_id = $1 and group_key = $2 for update")
                        .execute(Tuple.of(g.rule().id(), g.groupKey())))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    AlertState state = read(row.getString("state"));
                    Instant now = clock.instant();
                    List<AlertEvaluator.Notice> notices = AlertEvaluator.apply(g.rule().spec(), state,
                            g.observations(), now);
                    return save(conn, row.getUUID("id"), g.rule(), g.groupKey(), g.tenantId(), state, notices,
                            row.getOffsetDateTime("silenced_until"), now);
                });
    }

    private Uni<Integer> save(SqlConnection conn, UUID alertId, AlertRules.Rule rule, String groupKey,
            String tenantId, AlertState state, List<AlertEvaluator.Notice> notices, OffsetDateTime silencedUntil,
            Instant now) {
        Uni<Void> update = conn.preparedQuery("update governance.alerts set state = $2::text::jsonb, firing = $3, "
                        + "episode = $4, started_at = $5, resolved_at = $6, updated_at = now() where id = $1")
                .execute(Tuple.tuple().addUUID(alertId).addString(EventJson.write(state)).addBoolean(state.firing)
                        .addInteger(state.episode).addOffsetDateTime(time(state.startedAt))
                        .addOffsetDateTime(time(state.resolvedAt)))
                .replaceWithVoid();
        boolean silenced = silencedUntil != null && silencedUntil.toInstant().isAfter(now);
        if (notices.isEmpty() || silenced) {
            return update.replaceWith(0);
        }
        UUID[] channels = rule.spec().channels().stream().map(UUID::fromString).toArray(UUID[]::new);
        return update.chain(() -> Multi.createFrom().iterable(notices).onItem().transformToUniAndConcatenate(n ->
                        conn.preparedQuery("insert into governance.alert_notifications (id, alert_id, channel_id, "
                                        + "tenant_id, seq, kind, body) select gen_random_uuid(), $1, c.id, $2, $3, "
                                        + "$4, $5::text::jsonb from governance.alert_channels c where c.id = any($6) "
                                        + "and c.tenant_id = $2 and c.enabled on conflict do nothing")
                                .execute(Tuple.of(alertId, tenantId, n.seq(), n.kind(),
                                        EventJson.write(body(alertId, rule, groupKey, tenantId, state, n, now)), channels))
                                .map(r -> r.rowCount()))
                .collect().with(Collectors.summingInt(n -> n)));
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
