package io.agenttriggers.dispatcher.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.page.Query;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.dispatcher.domain.Claim;
import io.agenttriggers.dispatcher.domain.RunRecord.Attempt;
import io.agenttriggers.dispatcher.domain.RunRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The run ledger (schema {@code dispatch}): the only writer of runs, attempts and idempotency claims. */
@ApplicationScoped
public class RunLedger {

    private static final String COLUMNS = "run_id, tenant_id, event_name, trigger_type, source, workflow_id, dedup_key, "
            + "status, reason, decision_mode, agent_run_id, result::text as result, error, cost_usd, llm_calls, attempts, original_run_id, "
            + "traceparent, event_time, queued_at, started_at, finished_at, outcome_published_at";

    /** {@link #COLUMNS} of the row aliased {@code r}, for statements that join the runs with their arguments. */
    private static final String R_COLUMNS = java.util.Arrays.stream(COLUMNS.split(", "))
            .map(c -> "r." + c).collect(java.util.stream.Collectors.joining(", "));

    @Inject
    Pool pool;

    private ArrayBatcher<ClaimArgs, RunRecord> claims;
    private ArrayBatcher<Finish, RunRecord> finishes;
    private ArrayBatcher<UUID, Void> outcomeMarks;

    @jakarta.annotation.PostConstruct
    void init() {
        // Concurrent runs share statements and commits; a few batches of each kind may be in flight at once.
        claims = new ArrayBatcher<>(this::claimAll, 256, 4);
        finishes = new ArrayBatcher<>(this::finishAll, 256, 4);
        outcomeMarks = new ArrayBatcher<>(this::markAll, 256, 2);
    }

    /**
     * The claims and run rows of a batch of events in one statement (distinct keys): each key is taken when free or
     * expired, else its owner is read, and the run row is inserted as {@code running} (the owner) or {@code duplicate}.
     * No row back for an event means a redelivered run or a key taken by a transaction that committed while this one
     * ran; {@link #claimStepwise} settles both.
     */
    static final String CLAIM = "with v as (select * from unnest($1::text[], $2::text[], $3::uuid[], "
            + "$4::int8[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::uuid[], "
            + "$12::int8[], $13::text[], $14::text[]) as v(tenant_id, dedup_key, run_id, window_ms, event_name, "
            + "trigger_type, source, traceparent, event_time, event, owner, lease_ms, path, workflow_id)), "
            + "taken as (insert into dispatch.idempotency_keys as k (tenant_id, dedup_key, run_id, expires_at) "
            + "select tenant_id, dedup_key, run_id, now() + window_ms * interval '1 millisecond' from v "
            + "on conflict (tenant_id, dedup_key) do update set run_id = excluded.run_id, "
            + "expires_at = excluded.expires_at where k.expires_at < now() returning k.tenant_id, k.dedup_key, k.run_id), "
            + "h as (select v.*, coalesce(t.run_id, (select k.run_id from dispatch.idempotency_keys k "
            + "where k.tenant_id = v.tenant_id and k.dedup_key = v.dedup_key)) as holder from v left join taken t "
            + "on t.tenant_id = v.tenant_id and t.dedup_key = v.dedup_key), "
            + "o as (select h.*, holder = run_id as mine from h where holder is not null) "
            + "insert into dispatch.runs (run_id, tenant_id, event_name, trigger_type, source, dedup_key, status, "
            + "original_run_id, traceparent, event_time, started_at, finished_at, event, owner, lease_until, "
            + "planned_path, workflow_id) "
            + "select run_id, tenant_id, event_name, trigger_type, source, dedup_key, "
            + "case when mine then 'running' else 'duplicate' end, nullif(holder, run_id), traceparent, event_time, "
            + "case when mine then now() end, case when mine then null else now() end, event::jsonb, "
            + "case when mine then owner end, case when mine then now() + lease_ms * interval '1 millisecond' end, "
            + "case when mine then path end, workflow_id from o "
            + "on conflict (run_id) do nothing returning " + COLUMNS;

    /** One event's claim, batched with concurrent claims. */
    private record ClaimArgs(TriggerEvent event, long windowMs, UUID owner, long leaseMs, String path) {
    }

    private static String claimKey(String tenantId, String dedupKey) {
        return tenantId + '\u0000' + dedupKey;
    }

    private Uni<java.util.Map<String, RunRecord>> claimAll(List<ClaimArgs> batch) {
        int n = batch.size();
        String[] tenants = new String[n], keys = new String[n], names = new String[n], types = new String[n],
                sources = new String[n], traceparents = new String[n], events = new String[n], paths = new String[n],
                workflows = new String[n];
        UUID[] runIds = new UUID[n], owners = new UUID[n];
        Long[] windows = new Long[n], leases = new Long[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            ClaimArgs c = batch.get(i);
            TriggerEvent e = c.event();
            tenants[i] = e.tenantId();
            keys[i] = e.dedupKey();
            runIds[i] = UUID.fromString(e.id());
            windows[i] = c.windowMs();
            names[i] = e.eventName();
            types[i] = e.type().wire();
            sources[i] = e.source();
            traceparents[i] = e.traceparent();
            times[i] = e.time();
            events[i] = eventJson(e);
            owners[i] = c.owner();
            leases[i] = c.leaseMs();
            paths[i] = c.path();
            workflows[i] = e.workflowId();
        }
        Tuple args = Tuple.tuple().addArrayOfString(tenants).addArrayOfString(keys).addArrayOfUUID(runIds)
                .addArrayOfLong(windows).addArrayOfString(names).addArrayOfString(types).addArrayOfString(sources)
                .addArrayOfString(traceparents).addArrayOfOffsetDateTime(times).addArrayOfString(events)
                .addArrayOfUUID(owners).addArrayOfLong(leases).addArrayOfString(paths).addArrayOfString(workflows);
        return pool.preparedQuery(CLAIM).execute(args).map(rows -> {
            java.util.Map<String, RunRecord> out = new java.util.HashMap<>();
            for (Row r : rows) {
                RunRecord run = map(r);
                out.put(claimKey(run.tenantId(), run.dedupKey()), run);
            }
            return out;
        });
    }

    /**
     * Claims the event's (tenant, dedup key) and creates its run row in one statement. The unique key makes
     * this safe under duplicate deliveries and concurrent replicas: exactly one run owns a key within the window. A
     * new run is inserted {@code running}, held by {@code owner} for {@code lease}, on {@code path}; a run that
     * existed already (a redelivery) is not held by this call: {@link #takeOver} settles who runs it.
     */
    public Uni<Claim> claim(TriggerEvent event, Duration window, UUID owner, Duration lease, String path) {
        ClaimArgs args = new ClaimArgs(event, window.toMillis(), owner, lease.toMillis(), path);
        return claims.submit(args, claimKey(event.tenantId(), event.dedupKey())).chain(run -> {
            if (run == null) {
                return claimStepwise(event, window);
            }
            boolean duplicate = run.status() == RunStatus.DUPLICATE;
            return Uni.createFrom().item(new Claim(run, duplicate, !duplicate));
        });
    }

    /** The claim in steps, in one transaction: for redeliveries and races, where the one-statement claim answers nothing. */
    Uni<Claim> claimStepwise(TriggerEvent event, Duration window) {
        UUID runId = UUID.fromString(event.id());
        // Fewest round trips for the common case (a new key): the claim answers its own run id when it took the
        // key, and the run row comes back from its insert; only a repeat reads the owner and an existing row.
        return pool.withTransaction(tx -> tx.preparedQuery("insert into dispatch.idempotency_keys "
                                + "(tenant_id, dedup_key, run_id, expires_at) values ($1, $2, $3, now() + $4 * interval '1 millisecond') "
                                + "on conflict (tenant_id, dedup_key) do update set run_id = excluded.run_id, "
                                + "expires_at = excluded.expires_at where dispatch.idempotency_keys.expires_at < now() "
                                + "returning run_id")
                        .execute(Tuple.of(event.tenantId(), event.dedupKey(), runId, window.toMillis()))
                        .chain(taken -> taken.size() > 0 ? Uni.createFrom().item(runId)
                                : tx.preparedQuery("select run_id from dispatch.idempotency_keys "
                                                + "where tenant_id = $1 and dedup_key = $2")
                                        .execute(Tuple.of(event.tenantId(), event.dedupKey()))
                                        .map(rows -> rows.iterator().next().getUUID("run_id")))
                        .chain(owner -> {
                            boolean duplicate = !owner.equals(runId);
                            return insertRun(tx, event, duplicate ? owner : null)
                                    .chain(inserted -> inserted.isPresent() ? Uni.createFrom().item(inserted)
                                            : find(tx, event.id()))
                                    .map(run -> new Claim(run.orElseThrow(), duplicate, false));
                        }));
    }

    /** The new run row, or empty when it exists already (a redelivery). */
    private Uni<Optional<RunRecord>> insertRun(SqlClient tx, TriggerEvent event, UUID originalRunId) {
        boolean duplicate = originalRunId != null;
        Tuple values = Tuple.tuple()
                .addUUID(UUID.fromString(event.id()))
                .addString(event.tenantId())
                .addString(event.eventName())
                .addString(event.type().wire())
                .addString(event.source())
                .addString(event.dedupKey())
                .addString(duplicate ? RunStatus.DUPLICATE.wire() : RunStatus.QUEUED.wire())
                .addUUID(originalRunId)
                .addString(event.traceparent())
                .addOffsetDateTime(event.time())
                .addOffsetDateTime(duplicate ? OffsetDateTime.now(java.time.ZoneOffset.UTC) : null);
        values.addString(eventJson(event));
        values.addString(event.workflowId());
        return tx.preparedQuery("insert into dispatch.runs (run_id, tenant_id, event_name, trigger_type, source, "
                        + "dedup_key, status, original_run_id, traceparent, event_time, finished_at, event, workflow_id) "
                        + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, cast(cast($12 as text) as jsonb), $13) "
                        + "on conflict (run_id) do nothing returning " + COLUMNS)
                .execute(values)
                .map(rows -> rows.size() == 0 ? Optional.<RunRecord>empty() : Optional.of(map(rows.iterator().next())));
    }

    /** A run governance rejected: recorded once, terminal at once, its outcome already published by governance. */
    public Uni<Void> recordRejected(TriggerEvent event, String reason) {
        Tuple values = Tuple.tuple()
                .addUUID(UUID.fromString(event.id()))
                .addString(event.tenantId())
                .addString(event.eventName())
                .addString(event.type().wire())
                .addString(event.source())
                .addString(event.dedupKey())
                .addString(reason)
                .addString(event.traceparent())
                .addOffsetDateTime(event.time())
                .addString(event.workflowId());
        return pool.preparedQuery("insert into dispatch.runs (run_id, tenant_id, event_name, trigger_type, source, "
                        + "dedup_key, status, reason, traceparent, event_time, finished_at, outcome_published_at, "
                        + "workflow_id) values ($1, $2, $3, $4, $5, $6, 'rejected', $7, $8, $9, now(), now(), $10) "
                        + "on conflict (run_id) do nothing")
                .execute(values)
                .replaceWithVoid();
    }

    private static String eventJson(TriggerEvent event) {
        try {
            return EventJson.MAPPER.writeValueAsString(event);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("event " + event.id() + " cannot be serialized", e);
        }
    }

    /** A dead-lettered run's stored event and the number its next replay takes. */
    public record Replayable(TriggerEvent event, int replay) {
    }

    /** The run's stored event and next replay number; empty when it is not dead-lettered (or predates stored events). */
    public Uni<Optional<Replayable>> replayable(String runId) {
        return pool.preparedQuery("select event::text as event, replays from dispatch.runs "
                        + "where run_id = $1 and status = 'dead_lettered' and event is not null")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    try {
                        return Optional.of(new Replayable(EventJson.MAPPER.readValue(r.getString("event"),
                                TriggerEvent.class), r.getInteger("replays") + 1));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("unreadable event of run " + runId, e);
                    }
                });
    }

    /**
     * Replay {@code replay} of a dead-lettered run has arrived (its event is durable): the run goes back to
     * {@code queued}, held by no one, if it is still dead-lettered after replay {@code replay - 1}. Once per number:
     * a second delivery or publish of the same replay finds the run in play or ended, and is a redelivery.
     */
    public Uni<Void> resumeReplay(String runId, int replay) {
        return pool.preparedQuery("update dispatch.runs set status = 'queued', reason = null, error = null, "
                        + "finished_at = null, outcome_published_at = null, replays = $2, owner = null, "
                        + "lease_until = null where run_id = $1 and status = 'dead_lettered' and replays = $2 - 1")
                .execute(Tuple.of(UUID.fromString(runId), replay)).replaceWithVoid();
    }

    /** Deletes up to 10,000 claims whose window ended; answers how many. */
    public Uni<Integer> purgeExpiredClaims() {
        return pool.query("delete from dispatch.idempotency_keys where ctid in (select ctid from "
                        + "dispatch.idempotency_keys where expires_at < now() limit 10000)").execute()
                .map(rows -> rows.rowCount());
    }

    /** How many runs are dead-lettered now (for the DLQ size gauge). */
    public Uni<Long> deadLettered() {
        return pool.query("select count(*) as n from dispatch.runs where status = 'dead_lettered'").execute()
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    /**
     * What {@link #takeOver} found: the run is now held and goes {@code path}; or it is {@code terminal} (its outcome
     * published, or its holder gone); or another execution holds it for {@code heldFor} more.
     */
    public record TakeOver(String path, RunRecord terminal, Duration heldFor) {
    }

    /**
     * Takes a queued or running run over for {@code owner} when no one holds it (no owner, or its lease lapsed), or
     * it holds it already. The path stored at the first claim stands; {@code path} is stored only when there is none
     * (a run claimed before paths were stored, or inserted queued by a racing claim).
     */
    public Uni<TakeOver> takeOver(String runId, UUID owner, Duration lease, String path) {
        UUID id = UUID.fromString(runId);
        return pool.preparedQuery("update dispatch.runs set owner = $2, lease_until = now() + $3 * interval "
                        + "'1 millisecond', status = 'running', started_at = coalesce(started_at, now()), "
                        + "planned_path = coalesce(planned_path, $4) where run_id = $1 and status in ('queued', "
                        + "'running') and (owner is null or owner = $2 or lease_until is null or lease_until < now()) "
                        + "returning planned_path")
                .execute(Tuple.tuple().addUUID(id).addUUID(owner).addLong(lease.toMillis()).addString(path))
                .chain(taken -> {
                    if (taken.size() > 0) {
                        return Uni.createFrom().item(new TakeOver(taken.iterator().next().getString("planned_path"),
                                null, null));
                    }
                    return pool.preparedQuery("select " + COLUMNS + ", greatest(0, ceil(extract(epoch from "
                                    + "(lease_until - now())) * 1000))::bigint as wait_ms from dispatch.runs "
                                    + "where run_id = $1")
                            .execute(Tuple.of(id))
                            .map(rows -> {
                                Row r = rows.iterator().next();
                                RunRecord run = map(r);
                                Long waitMs = r.getLong("wait_ms");
                                Duration wait = Duration.ofMillis(waitMs == null ? 0 : waitMs);
                                // An ended run whose holder lives is its holder's to publish.
                                if (run.status().isTerminal() && (run.outcomePublished() || wait.isZero())) {
                                    return new TakeOver(null, run, null);
                                }
                                return new TakeOver(null, null, wait.isZero() ? Duration.ofMillis(50) : wait);
                            });
                });
    }

    /**
     * Renews the leases of the runs this replica holds (pairs of run id and owner), until their outcome is published;
     * a lease taken over is not renewed.
     */
    public Uni<Integer> renewLeases(UUID[] runIds, UUID[] owners, Duration lease) {
        // A row locked now is being finished or marked published (or taken over): it needs no renewal, and waiting
        // for it would hold the other rows' locks meanwhile. The run_id = any(...) conditions let the planner prune
        // the ledger's partitions to the runs' days.
        return pool.preparedQuery("with held as (select * from unnest($1::uuid[], $2::uuid[]) as h(run_id, owner)), "
                        + "free as (select r.run_id from dispatch.runs r join held on r.run_id = held.run_id "
                        + "and r.owner = held.owner where r.run_id = any($1::uuid[]) for update of r skip locked) "
                        + "update dispatch.runs r set lease_until = now() + $3 * interval '1 millisecond' from free "
                        + "where r.run_id = free.run_id and r.run_id = any($1::uuid[])")
                .execute(Tuple.tuple().addArrayOfUUID(runIds).addArrayOfUUID(owners).addLong(lease.toMillis()))
                .map(rows -> rows.rowCount());
    }

    public Uni<Void> recordAttempt(String runId, Attempt attempt) {
        // One statement: the attempt row and the run's attempt count.
        return pool.preparedQuery("with attempt as (insert into dispatch.attempts (run_id, number, path, started_at, "
                        + "duration_ms, status_code, error_class, error) values ($1, (select coalesce(max(number), 0) + 1 "
                        + "from dispatch.attempts where run_id = $1), $2, $3, $4, $5, $6, $7)) "
                        + "update dispatch.runs set attempts = attempts + 1 where run_id = $1")
                .execute(Tuple.tuple().addUUID(UUID.fromString(runId)).addString(attempt.path())
                        .addOffsetDateTime(attempt.startedAt()).addLong(attempt.durationMs())
                        .addInteger(attempt.statusCode()).addString(attempt.errorClass()).addString(attempt.error()))
                .replaceWithVoid();
    }

    /**
     * The terminal states of a batch of runs with the attempts that decided them, in one statement: each run changes
     * only while queued or running and held by the given owner; its attempt is logged either way.
     */
    static final String FINISH = "with v as (select * from unnest($1::uuid[], $2::text[], $3::text[], "
            + "$4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int4[], $10::uuid[], $11::bool[], "
            + "$12::text[], $13::timestamptz[], $14::int8[], $15::int4[], $16::text[], $17::text[]) as v(run_id, status, "
            + "reason, decision_mode, agent_run_id, result, error, cost_usd, llm_calls, owner, logged, a_path, "
            + "a_started_at, a_duration_ms, a_status_code, a_error_class, a_error)), "
            + "attempt as (insert into dispatch.attempts (run_id, number, path, started_at, duration_ms, status_code, "
            + "error_class, error) select v.run_id, (select coalesce(max(a.number), 0) + 1 from dispatch.attempts a "
            + "where a.run_id = v.run_id and a.run_id = any($1::uuid[])), v.a_path, v.a_started_at, v.a_duration_ms, "
            + "v.a_status_code, v.a_error_class, v.a_error from v where v.logged) "
            + "update dispatch.runs r set status = v.status, reason = v.reason, decision_mode = v.decision_mode, "
            + "agent_run_id = v.agent_run_id, result = v.result::jsonb, error = v.error, cost_usd = v.cost_usd::numeric, "
            + "llm_calls = v.llm_calls, finished_at = now(), attempts = r.attempts + case when v.logged then 1 else 0 end "
            // The second condition on run_id lets the planner prune the ledger's partitions to the batch's days.
            + "from v where r.run_id = v.run_id and r.run_id = any($1::uuid[]) and r.status in ('queued', 'running') "
            + "and r.owner = v.owner returning " + R_COLUMNS;

    /** One run's terminal state and its last attempt (null: none to log). */
    private record Finish(UUID runId, UUID owner, RunStatus status, String reason, String decisionMode,
            String agentRunId, String result, String error, BigDecimal costUsd, int llmCalls, Attempt last) {
    }

    private Uni<java.util.Map<String, RunRecord>> finishAll(List<Finish> batch) {
        int n = batch.size();
        UUID[] runIds = new UUID[n], owners = new UUID[n];
        String[] statuses = new String[n], reasons = new String[n], modes = new String[n], agentRuns = new String[n],
                results = new String[n], errors = new String[n], costs = new String[n], paths = new String[n],
                errorClasses = new String[n], attemptErrors = new String[n];
        Integer[] llmCalls = new Integer[n], statusCodes = new Integer[n];
        Boolean[] logged = new Boolean[n];
        OffsetDateTime[] startedAt = new OffsetDateTime[n];
        Long[] durations = new Long[n];
        for (int i = 0; i < n; i++) {
            Finish f = batch.get(i);
            runIds[i] = f.runId();
            owners[i] = f.owner();
            statuses[i] = f.status().wire();
            reasons[i] = f.reason();
            modes[i] = f.decisionMode();
            agentRuns[i] = f.agentRunId();
            results[i] = f.result();
            errors[i] = f.error();
            costs[i] = f.costUsd() == null ? null : f.costUsd().toPlainString();
            llmCalls[i] = f.llmCalls();
            Attempt a = f.last();
            logged[i] = a != null;
            if (a != null) {
                paths[i] = a.path();
                startedAt[i] = a.startedAt();
                durations[i] = a.durationMs();
                statusCodes[i] = a.statusCode();
                errorClasses[i] = a.errorClass();
                attemptErrors[i] = a.error();
            }
        }
        Tuple args = Tuple.tuple().addArrayOfUUID(runIds).addArrayOfString(statuses).addArrayOfString(reasons)
                .addArrayOfString(modes).addArrayOfString(agentRuns).addArrayOfString(results).addArrayOfString(errors)
                .addArrayOfString(costs).addArrayOfInteger(llmCalls).addArrayOfUUID(owners).addArrayOfBoolean(logged)
                .addArrayOfString(paths).addArrayOfOffsetDateTime(startedAt).addArrayOfLong(durations)
                .addArrayOfInteger(statusCodes).addArrayOfString(errorClasses).addArrayOfString(attemptErrors);
        return pool.preparedQuery(FINISH).execute(args).map(rows -> {
            java.util.Map<String, RunRecord> out = new java.util.HashMap<>();
            for (Row r : rows) {
                RunRecord run = map(r);
                out.put(run.runId(), run);
            }
            return out;
        });
    }

    /** The run after {@link #finish}; {@code ours} when this execution's finish is the one that ended it. */
    public record Finished(RunRecord run, boolean ours) {
    }

    /**
     * Records the terminal state and, when given, the last attempt with it, if {@code owner} still holds the run: an
     * execution whose run was taken over (its lease lapsed) changes nothing and is answered the run as it is. A run
     * already terminal keeps its first terminal state (the attempt is still logged when it was ours).
     */
    public Uni<Finished> finish(String runId, UUID owner, RunStatus status, String reason, String decisionMode,
            String agentRunId, JsonNode result, String error, BigDecimal costUsd, int llmCalls, Attempt last) {
        UUID id = UUID.fromString(runId);
        Finish f = new Finish(id, owner, status, reason, decisionMode, agentRunId,
                result == null ? null : result.toString(), error, costUsd, llmCalls, last);
        return finishes.submit(f, id.toString())
                // Not ours (any more), or already terminal: what the row says stands, read it.
                .chain(run -> run != null ? Uni.createFrom().item(new Finished(run, true))
                        : find(runId).map(found -> new Finished(found.orElseThrow(), false)));
    }

    public Uni<Void> markOutcomePublished(String runId) {
        UUID id = UUID.fromString(runId);
        return outcomeMarks.submit(id, id.toString());
    }

    private Uni<java.util.Map<String, Void>> markAll(List<UUID> runIds) {
        return pool.preparedQuery("update dispatch.runs set outcome_published_at = now() where run_id = any($1::uuid[])")
                .execute(Tuple.tuple().addArrayOfUUID(runIds.toArray(UUID[]::new)))
                .map(rows -> java.util.Map.of());
    }

    public Uni<Optional<RunRecord>> find(String runId) {
        return find(pool, runId);
    }

    private static Uni<Optional<RunRecord>> find(SqlClient client, String runId) {
        return client.preparedQuery("select " + COLUMNS + " from dispatch.runs where run_id = $1")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(rows -> rows.size() == 0 ? Optional.<RunRecord>empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<List<Attempt>> attempts(String runId) {
        return pool.preparedQuery("select number, path, started_at, duration_ms, status_code, error_class, error "
                        + "from dispatch.attempts where run_id = $1 order by number")
                .execute(Tuple.of(UUID.fromString(runId)))
                .map(rows -> {
                    List<Attempt> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Attempt(r.getInteger("number"), r.getString("path"),
                                r.getOffsetDateTime("started_at"), r.getLong("duration_ms"),
                                r.getInteger("status_code"), r.getString("error_class"), r.getString("error")));
                    }
                    return out;
                });
    }

    /** List filters; null fields do not filter. */
    public record Filter(Optional<Set<String>> tenants, String tenantId, String status, String eventName,
            String triggerType, String source, String workflowId, OffsetDateTime from, OffsetDateTime to) {
    }

    /** Newest first, after the cursor run id when given; the filters are optional (from/to: the event time). */
    public Uni<List<RunRecord>> list(Filter f, String afterRunId, int limit) {
        Query q = Query.select("select " + COLUMNS + " from dispatch.runs")
                .eq("tenant_id", f.tenantId())
                .in("tenant_id", f.tenants())
                .eq("status", f.status())
                .eq("event_name", f.eventName())
                .eq("trigger_type", f.triggerType())
                .eq("source", f.source())
                .eq("workflow_id", f.workflowId())
                .where("event_time", ">=", f.from())
                .where("event_time", "<", f.to())
                .page("run_id", afterRunId == null ? null : UUID.fromString(afterRunId), limit);
        return pool.preparedQuery(q.sql()).execute(Tuple.from(q.args())).map(rows -> {
            List<RunRecord> out = new ArrayList<>();
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    /** Success rate and durations of recent runs, for the cron status view and dashboards. */
    public record Stats(long runs, long succeeded, long failed, long rejected, long duplicates, Double successRate,
            Double meanDurationMs, Double p95DurationMs) {
    }

    /** Over the runs of the filter that reached a terminal state (at most the newest 10,000). */
    public Uni<Stats> stats(Filter f) {
        Query q = Query.select("select status, extract(epoch from (finished_at - started_at)) * 1000 as ms "
                        + "from dispatch.runs")
                .eq("tenant_id", f.tenantId())
                .in("tenant_id", f.tenants())
                .eq("event_name", f.eventName())
                .eq("trigger_type", f.triggerType())
                .eq("source", f.source())
                .eq("workflow_id", f.workflowId())
                .where("event_time", ">=", f.from())
                .where("event_time", "<", f.to());
        String sql = "select count(*) as runs, "
                + "count(*) filter (where status in ('succeeded', 'fallback_succeeded')) as ok, "
                + "count(*) filter (where status in ('failed', 'dead_lettered')) as bad, "
                + "count(*) filter (where status = 'rejected') as rejected, "
                + "count(*) filter (where status = 'duplicate') as dup, "
                + "avg(ms) as mean_ms, percentile_cont(0.95) within group (order by ms) as p95_ms "
                + "from (" + q.sql() + " and finished_at is not null and status not in ('queued', 'running') "
                + "order by run_id desc limit 10000) recent";
        return pool.preparedQuery(sql).execute(Tuple.from(q.args())).map(rows -> {
            Row r = rows.iterator().next();
            long ok = r.getLong("ok");
            long bad = r.getLong("bad");
            return new Stats(r.getLong("runs"), ok, bad, r.getLong("rejected"), r.getLong("dup"),
                    ok + bad == 0 ? null : (double) ok / (ok + bad), r.getDouble("mean_ms"), r.getDouble("p95_ms"));
        });
    }

    private static RunRecord map(Row r) {
        String result = r.getString("result");
        JsonNode resultNode;
        try {
            resultNode = result == null ? null : EventJson.MAPPER.readTree(result);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable result of run " + r.getUUID("run_id"), e);
        }
        OffsetDateTime started = r.getOffsetDateTime("started_at");
        OffsetDateTime finished = r.getOffsetDateTime("finished_at");
        UUID original = r.getUUID("original_run_id");
        return new RunRecord(r.getUUID("run_id").toString(), r.getString("tenant_id"), r.getString("event_name"),
                r.getString("trigger_type"), r.getString("source"), r.getString("workflow_id"),
                r.getString("dedup_key"),
                RunStatus.fromWire(r.getString("status")), r.getString("reason"), r.getString("decision_mode"),
                r.getString("agent_run_id"), resultNode, r.getString("error"), r.getBigDecimal("cost_usd"),
                r.getInteger("llm_calls"), r.getInteger("attempts"), original == null ? null : original.toString(),
                r.getString("traceparent"), r.getOffsetDateTime("event_time"), r.getOffsetDateTime("queued_at"),
                started, finished, started != null && finished != null ? Duration.between(started, finished) : null,
                List.of(), r.getOffsetDateTime("outcome_published_at") != null);
    }
}
