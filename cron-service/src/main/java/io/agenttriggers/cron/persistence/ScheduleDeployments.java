package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.declarative.PartResult.Action;
import io.agenttriggers.common.declarative.Plan;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.cron.domain.FirePlanner;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The cron part of workflow deployments: the schedules one workflow's deployment holds, brought to the set a new
 * version names. Schedules are recognised by name, so an unchanged one keeps its next fire time and history and a
 * changed one keeps its id; those the version no longer names are deleted with their governance policies.
 */
@ApplicationScoped
public class ScheduleDeployments {

    /** Most schedules one workflow may hold. */
    public static final int MAX_SCHEDULES = 50;

    @Inject
    ScheduleStore store;

    @Inject
    GovernanceSync governance;

    @Inject
    Firer firer;

    @Inject
    OutboundUrlPolicy urls;

    /** Every problem of the part, with fields as {@code triggers[i].field}; the specs carry the owner already. */
    public List<FieldError> check(List<ScheduleSpec> specs) {
        List<FieldError> errors = new ArrayList<>();
        if (specs.size() > MAX_SCHEDULES) {
            errors.add(new FieldError("triggers", "at most " + MAX_SCHEDULES + " schedules per workflow"));
            return errors;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            ScheduleSpec spec = specs.get(i);
            for (FieldError e : spec.check(urls)) {
                errors.add(new FieldError("triggers[" + i + "]." + e.field(), e.message()));
            }
            if (spec.name() == null) {
                errors.add(new FieldError("triggers[" + i + "].name", "is required (it recognises the schedule)"));
            } else if (!names.add(spec.name())) {
                errors.add(new FieldError("triggers[" + i + "].name", "repeats " + spec.name()));
            }
        }
        return errors;
    }

    /** What applying the specs would do, and with {@code apply} does it. */
    public Uni<PartResult> apply(String tenantId, String workflowId, Integer version, List<ScheduleSpec> specs,
            boolean apply) {
        return store.ownedBy(tenantId, workflowId).chain(owned -> {
            Plan<ScheduleSpec, ScheduleStore.Stored> plan = Plan.of(specs, ScheduleSpec::name, owned,
                    s -> s.spec().name(), (spec, s) -> EventJson.write(spec).equals(EventJson.write(s.spec())));
            if (!apply) {
                return Uni.createFrom().item(result(tenantId, workflowId, version, true, plan, Map.of()));
            }
            Map<String, ScheduleStore.Stored> written = new LinkedHashMap<>();
            return Multi.createFrom().iterable(plan.create())
                    .onItem().transformToUniAndConcatenate(spec -> create(spec).invoke(s -> written.put(spec.name(), s)))
                    .collect().asList()
                    .chain(() -> Multi.createFrom().iterable(plan.update())
                            .onItem().transformToUniAndConcatenate(c -> update(c.existing(), c.desired())
                                    .invoke(s -> written.put(c.desired().name(), s)))
                            .collect().asList())
                    .chain(() -> Multi.createFrom().iterable(plan.delete())
                            .onItem().transformToUniAndConcatenate(this::delete)
                            .collect().asList())
                    .invoke(firer::wake)
                    .map(ignored -> result(tenantId, workflowId, version, false, plan, written));
        });
    }

    /** What the workflow's deployment holds here now. */
    public Uni<PartResult> observed(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId).map(owned -> new PartResult(tenantId, workflowId, null, false,
                owned.stream().map(s -> new PartResult.Item(s.spec().name(), s.id(), null, observed(s))).toList()));
    }

    /** Deletes every schedule the workflow's deployment holds; answers how many. */
    public Uni<Integer> remove(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId).chain(owned -> Multi.createFrom().iterable(owned)
                .onItem().transformToUniAndConcatenate(this::delete)
                .collect().asList()
                .invoke(firer::wake)
                .map(List::size));
    }

    private Uni<ScheduleStore.Stored> create(ScheduleSpec spec) {
        UUID id = UUID.fromString(RunIds.next());
        Instant next = FirePlanner.first(spec.cron(), Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.create(id, spec, Ownership.DEPLOYMENT, next, FirePlanner.dueAt(id.toString(), next, spec.jitter()))
                .call(created -> governance.sync(created.id(), spec)
                        .onFailure().call(e -> store.delete(created.id())));
    }

    private Uni<ScheduleStore.Stored> update(ScheduleStore.Stored existing, ScheduleSpec spec) {
        Instant next = FirePlanner.first(spec.cron(), Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.update(existing.id(), spec, null, next, FirePlanner.dueAt(existing.id(), next, spec.jitter()))
                .map(updated -> updated.orElse(existing))
                .call(updated -> governance.sync(existing.id(), spec));
    }

    private Uni<Void> delete(ScheduleStore.Stored s) {
        return governance.remove(s.id()).chain(() -> store.delete(s.id())).replaceWithVoid();
    }

    private static PartResult result(String tenantId, String workflowId, Integer version, boolean dryRun,
            Plan<ScheduleSpec, ScheduleStore.Stored> plan, Map<String, ScheduleStore.Stored> written) {
        List<PartResult.Item> items = new ArrayList<>();
        for (ScheduleSpec spec : plan.create()) {
            ScheduleStore.Stored s = written.get(spec.name());
            items.add(new PartResult.Item(spec.name(), s == null ? null : s.id(), Action.created,
                    s == null ? null : observed(s)));
        }
        for (Plan.Change<ScheduleSpec, ScheduleStore.Stored> c : plan.update()) {
            ScheduleStore.Stored s = written.getOrDefault(c.desired().name(), c.existing());
            items.add(new PartResult.Item(c.desired().name(), s.id(), Action.updated, dryRun ? null : observed(s)));
        }
        for (ScheduleStore.Stored s : plan.unchanged()) {
            items.add(new PartResult.Item(s.spec().name(), s.id(), Action.unchanged, observed(s)));
        }
        for (ScheduleStore.Stored s : plan.delete()) {
            items.add(new PartResult.Item(s.spec().name(), s.id(), Action.deleted, null));
        }
        return new PartResult(tenantId, workflowId, version, dryRun, items);
    }

    private static Map<String, Object> observed(ScheduleStore.Stored s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", s.state());
        put(out, "nextFireAt", s.nextFireAt());
        put(out, "lastFireAt", s.lastFireAt());
        put(out, "lastRunId", s.lastRunId());
        put(out, "lastRunStatus", s.lastRunStatus());
        out.put("scheduleVersion", s.version());
        return out;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value instanceof OffsetDateTime t ? t.toString() : value);
        }
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
