package io.agenttriggers.cron.persistence;

import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.cron.config.CronServiceConfig;
import io.agenttriggers.cron.domain.CronExpression;
import io.agenttriggers.cron.domain.FirePlanner;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Declarative schedules: a YAML file ({@code schedules: [ ... ]}, the same fields as the REST API, a {@code name} per
 * entry, {@code ${ENV}} placeholders) reconciled at start. Applied whole or not at all; its schedules are
 * {@code managedBy: file} (REST edits refused), recognised by tenant and name; a changed entry keeps its firing
 * history; file schedules that left the file are deleted.
 */
@ApplicationScoped
public class ScheduleFile {

    private static final Logger LOG = Logger.getLogger(ScheduleFile.class);

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

    /** The result of one reconciliation. */
    public record Applied(int created, int updated, int deleted, List<String> errors) {
    }

    void start(@Observes StartupEvent ignored) {
        String file = config.schedulesFile().filter(f -> !f.isBlank()).orElse(null);
        if (file == null) {
            return;
        }
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.errorf("Schedules file %s cannot be read: %s", file, e.getMessage());
            return;
        }
        Applied applied = reconcile(text, System::getenv).await().atMost(Duration.ofSeconds(60));
        if (applied.errors().isEmpty()) {
            LOG.infof("Schedules file %s applied: %d created, %d updated, %d deleted", file, applied.created(),
                    applied.updated(), applied.deleted());
        } else {
            LOG.errorf("Schedules file %s not applied: %s", file, String.join("; ", applied.errors()));
        }
    }

    public Uni<Applied> reconcile(String text, Function<String, String> env) {
        List<String> errors = new ArrayList<>();
        List<ScheduleSpec> entries = DeclarativeFiles.entries(text, "schedules", ScheduleSpec.class, env, errors);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            ScheduleSpec spec = entries.get(i);
            for (FieldError problem : spec.check(urls)) {
                errors.add("schedules[" + i + "]." + problem.field() + " " + problem.message());
            }
            if (spec.workflowId() != null) {
                errors.add("schedules[" + i + "].workflowId is set by workflow deployments, not by the file");
            }
            if (spec.name() == null) {
                errors.add("schedules[" + i + "].name is required in the file (it recognises the schedule)");
            } else if (!seen.add(spec.tenantId() + "/" + spec.name())) {
                errors.add("schedules[" + i + "] repeats " + spec.tenantId() + "/" + spec.name());
            }
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(new Applied(0, 0, 0, errors));
        }
        int[] counts = new int[3];
        return store.fileManaged().chain(managed -> {
            Set<String> keep = new HashSet<>();
            return Multi.createFrom().iterable(entries)
                    .onItem().transformToUniAndConcatenate(spec -> {
                        ScheduleStore.Stored existing = managed.stream()
                                .filter(m -> m.spec().tenantId().equals(spec.tenantId())
                                        && spec.name().equals(m.spec().name()))
                                .findFirst().orElse(null);
                        CronExpression cron = spec.cron();
                        Instant now = Instant.now();
                        if (existing == null) {
                            UUID id = UUID.fromString(io.agenttriggers.common.event.RunIds.next());
                            Instant next = FirePlanner.first(cron, now, instant(spec.startAt()), instant(spec.endAt()));
                            Instant due = FirePlanner.dueAt(id.toString(), next, spec.jitter());
                            return store.create(id, spec, "file", next, due)
                                    .call(created -> governance.sync(created.id(), spec))
                                    .invoke(created -> counts[0]++).replaceWithVoid();
                        }
                        keep.add(existing.id());
                        if (EventJson.write(existing.spec()).equals(EventJson.write(spec))) {
                            return Uni.createFrom().voidItem();
                        }
                        Instant next = FirePlanner.first(cron, now, instant(spec.startAt()), instant(spec.endAt()));
                        Instant due = FirePlanner.dueAt(existing.id(), next, spec.jitter());
                        return store.update(existing.id(), spec, null, next, due)
                                .call(updated -> governance.sync(existing.id(), spec))
                                .invoke(updated -> counts[1]++).replaceWithVoid();
                    })
                    .collect().asList()
                    .chain(() -> Multi.createFrom().iterable(managed)
                            .filter(m -> !keep.contains(m.id()))
                            .onItem().transformToUniAndConcatenate(m -> governance.remove(m.id())
                                    .chain(() -> store.delete(m.id())).invoke(() -> counts[2]++))
                            .collect().asList());
        }).invoke(firer::wake).map(ignored -> new Applied(counts[0], counts[1], counts[2], errors))
                .onFailure().recoverWithItem(e -> new Applied(counts[0], counts[1], counts[2],
                        List.of("applying the file failed part-way: " + e)));
    }


    private static Instant instant(java.time.OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
