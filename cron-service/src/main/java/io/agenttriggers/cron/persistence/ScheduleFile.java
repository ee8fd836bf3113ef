package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.declarative.FileReconciler;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.cron.config.CronServiceConfig;
import io.agenttriggers.cron.domain.FirePlanner;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Declarative schedules: a YAML file ({@code schedules: [ ... ]}, the same fields as the REST API, a {@code name} per
 * entry) reconciled at start ({@link FileReconciler}). Its schedules are {@code managedBy: file} (REST edits
 * refused), recognised by tenant and name; a changed entry keeps its id and firing history, its next fire computed
 * again; file schedules that left the file are deleted with their governance policies.
 */
@ApplicationScoped
public class ScheduleFile extends FileReconciler<ScheduleSpec, ScheduleStore.Stored> {

    @Inject
    CronServiceConfig config;

    @Inject
    ScheduleStore store;

    @Inject
    GovernanceSync governance;

    @Inject
    Firer firer;

    @Inject
    OutboundUrlPolicy urls;

    public ScheduleFile() {
        super("schedules", ScheduleSpec.class, "Schedules file");
    }

    void start(@Observes StartupEvent ignored) {
        applyAtStart(config.schedulesFile());
    }

    @Override
    protected List<FieldError> problems(ScheduleSpec spec) {
        List<FieldError> problems = new ArrayList<>(spec.check(urls));
        if (spec.workflowId() != null) {
            problems.add(new FieldError("workflowId", "is set by workflow deployments, not by the file"));
        }
        if (spec.name() == null) {
            problems.add(new FieldError("name", "is required in the file (it recognises the schedule)"));
        }
        return problems;
    }

    @Override
    protected String key(ScheduleSpec spec) {
        return spec.name() == null ? null : spec.tenantId() + "/" + spec.name();
    }

    @Override
    protected String storedKey(ScheduleStore.Stored stored) {
        return key(stored.spec());
    }

    @Override
    protected Uni<List<ScheduleStore.Stored>> fileManaged() {
        return store.fileManaged();
    }

    /** Schedule names are labels, not unique: a REST schedule of the same name is another schedule. */
    @Override
    protected Uni<Boolean> heldByOthers(ScheduleSpec spec) {
        return Uni.createFrom().item(false);
    }

    @Override
    protected boolean same(ScheduleSpec spec, ScheduleStore.Stored stored) {
        return EventJson.write(stored.spec()).equals(EventJson.write(spec));
    }

    @Override
    protected Uni<?> create(ScheduleSpec spec) {
        UUID id = UUID.fromString(RunIds.next());
        Instant next = FirePlanner.first(spec.cron(), Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.create(id, spec, "file", next, FirePlanner.dueAt(id.toString(), next, spec.jitter()))
                .call(created -> governance.sync(created.id(), spec));
    }

    @Override
    protected Uni<?> update(ScheduleStore.Stored stored, ScheduleSpec spec) {
        Instant next = FirePlanner.first(spec.cron(), Instant.now(), instant(spec.startAt()), instant(spec.endAt()));
        return store.update(stored.id(), spec, null, next, FirePlanner.dueAt(stored.id(), next, spec.jitter()))
                .call(updated -> governance.sync(stored.id(), spec));
    }

    @Override
    protected Uni<?> delete(ScheduleStore.Stored stored) {
        return governance.remove(stored.id()).chain(() -> store.delete(stored.id()));
    }

    @Override
    protected Uni<Void> applied() {
        firer.wake();
        return Uni.createFrom().voidItem();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
