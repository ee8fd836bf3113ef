package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.declarative.PartResult;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.cron.domain.FirePlanner;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cron part of workflow deployments: the schedules one workflow's deployment holds. An unchanged schedule keeps
 * its next fire time and history, a changed one keeps its id; those the version no longer names are deleted with
 * their governance policies.
 */
@ApplicationScoped
public class ScheduleDeployments extends DeploymentPart<ScheduleSpec, ScheduleStore.Stored> {

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
        for (int i = 0; i < specs.size(); i++) {
            for (FieldError e : specs.get(i).check(urls)) {
                errors.add(new FieldError("triggers[" + i + "]." + e.field(), e.message()));
            }
        }
        errors.addAll(names(specs, ScheduleSpec::name));
        return errors;
    }

    @Override
    public Uni<PartResult> apply(String tenantId, String workflowId, Integer version, List<ScheduleSpec> specs,
            boolean apply) {
        return super.apply(tenantId, workflowId, version, specs, apply).invoke(r -> {
            if (apply) {
                firer.wake();
            }
        });
    }

    @Override
    protected Uni<List<ScheduleStore.Stored>> owned(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId);
    }

    @Override
    protected String name(ScheduleSpec spec) {
        return spec.name();
    }

    @Override
    protected String storedName(ScheduleStore.Stored s) {
        return s.spec().name();
    }

    @Override
    protected String id(ScheduleStore.Stored s) {
        return s.id();
    }

    @Override
    protected boolean same(ScheduleSpec spec, ScheduleStore.Stored s) {
        return EventJson.write(spec).equals(EventJson.write(s.spec()));
    }

    @Override
    protected Uni<ScheduleStore.Stored> create(ScheduleSpec spec) {
        UUID id = UUID.fromString(RunIds.next());
        Instant next = FirePlanner.first(spec.cron(), Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.create(id, spec, Ownership.DEPLOYMENT, next, FirePlanner.dueAt(id.toString(), next, spec.jitter()))
                .call(created -> governance.sync(created.id(), spec)
                        .onFailure().call(e -> store.delete(created.id())));
    }

    @Override
    protected Uni<ScheduleStore.Stored> update(ScheduleStore.Stored existing, ScheduleSpec spec) {
        Instant next = FirePlanner.first(spec.cron(), Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.update(existing.id(), spec, null, next, FirePlanner.dueAt(existing.id(), next, spec.jitter()))
                .map(updated -> updated.orElse(existing))
                .call(updated -> governance.sync(existing.id(), spec));
    }

    @Override
    protected Uni<Void> delete(ScheduleStore.Stored s) {
        return governance.remove(s.id()).chain(() -> store.delete(s.id())).invoke(firer::wake).replaceWithVoid();
    }

    @Override
    protected Map<String, Object> observed(ScheduleStore.Stored s) {
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
