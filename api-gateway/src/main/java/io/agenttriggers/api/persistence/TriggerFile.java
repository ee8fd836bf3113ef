package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.domain.RouteClaim;
import io.agenttriggers.common.declarative.DeclarativeFiles;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Declarative API triggers: a YAML file ({@code triggers: [ ... ]}, the same fields as the REST API, {@code ${ENV}}
 * placeholders) reconciled into the database at start. The file is applied whole or not at all. Triggers it creates
 * are {@code managedBy: file} and refuse REST edits; triggers the API created are never taken over; file triggers no
 * longer in the file are deleted.
 */
@ApplicationScoped
public class TriggerFile {

    private static final Logger LOG = Logger.getLogger(TriggerFile.class);

    @Inject
    ApiGatewayConfig config;

    @Inject
    TriggerStore store;

    @Inject
    RouteRegistry routes;

    @Inject
    OutboundUrlPolicy urls;

    /** The result of one reconciliation. */
    public record Applied(int created, int updated, int deleted, List<String> errors) {
    }

    void start(@Observes @Priority(10) StartupEvent ignored) {
        String file = config.triggersFile().filter(f -> !f.isBlank()).orElse(null);
        if (file == null) {
            return;
        }
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.errorf("API triggers file %s cannot be read: %s", file, e.getMessage());
            return;
        }
        Applied applied = reconcile(text, System::getenv).await().atMost(Duration.ofSeconds(60));
        if (applied.errors().isEmpty()) {
            LOG.infof("API triggers file %s applied: %d created, %d updated, %d deleted", file, applied.created(),
                    applied.updated(), applied.deleted());
        } else {
            LOG.errorf("API triggers file %s not applied: %s", file, String.join("; ", applied.errors()));
        }
    }

    /** Parses, validates and applies the file's text; environment lookups go through {@code env}. */
    public Uni<Applied> reconcile(String text, Function<String, String> env) {
        List<String> errors = new ArrayList<>();
        List<ApiTriggerSpec> entries = DeclarativeFiles.entries(text, "triggers", ApiTriggerSpec.class, env, errors);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            ApiTriggerSpec spec = entries.get(i);
            List<FieldError> problems = new ArrayList<>();
            spec.compile("file", 1, "file", urls, problems);
            for (FieldError problem : problems) {
                errors.add("triggers[" + i + "]." + problem.field() + " " + problem.message());
            }
            if (!seen.add(spec.tenantId() + "/" + spec.nameOrDefault())) {
                errors.add("triggers[" + i + "] repeats " + spec.tenantId() + "/" + spec.nameOrDefault());
            }
        }
        if (errors.isEmpty()) {
            conflictsWithin(entries, errors);
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(new Applied(0, 0, 0, errors));
        }
        int[] counts = new int[3];
        Set<String> keep = new HashSet<>();
        return Multi.createFrom().iterable(entries)
                .onItem().transformToUniAndConcatenate(spec -> upsert(spec, counts, errors, keep))
                .collect().asList()
                .chain(() -> store.fileManaged())
                .chain(managed -> Multi.createFrom().iterable(managed)
                        .filter(t -> !keep.contains(t.id()))
                        .onItem().transformToUniAndConcatenate(t -> store.delete(t.id()).invoke(() -> counts[2]++))
                        .collect().asList())
                .call(() -> routes.refresh())
                .map(ignored -> new Applied(counts[0], counts[1], counts[2], errors));
    }

    /**
     * Entries that would refuse each other, found before anything is written: the store would refuse the later one
     * only after the earlier ones were applied, and the file is applied whole or not at all.
     */
    private static void conflictsWithin(List<ApiTriggerSpec> entries, List<String> errors) {
        List<RouteClaim> claims = new ArrayList<>();
        for (ApiTriggerSpec spec : entries) {
            claims.add(spec.isEnabled() ? RouteClaim.of(spec) : null);
        }
        for (int i = 0; i < claims.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (claims.get(i) != null && claims.get(j) != null && claims.get(i).conflictsWith(claims.get(j))) {
                    errors.add("triggers[" + i + "] claims requests of triggers[" + j + "]: " + claims.get(i).method()
                            + " " + claims.get(i).template() + " and " + claims.get(j).template());
                }
            }
        }
    }

    private Uni<Void> upsert(ApiTriggerSpec spec, int[] counts, List<String> errors, Set<String> keep) {
        return store.findByName(spec.tenantId(), spec.nameOrDefault()).chain(found -> {
            if (found.isEmpty()) {
                return store.create(spec, "file", routes.staticConflicts(spec.tenantId()))
                        .invoke(created -> {
                            keep.add(created.id());
                            counts[0]++;
                        })
                        .onFailure().recoverWithItem(e -> {
                            errors.add(spec.tenantId() + "/" + spec.nameOrDefault() + ": " + describe(e));
                            return null;
                        })
                        .replaceWithVoid();
            }
            TriggerStore.Stored existing = found.get();
            if (!"file".equals(existing.managedBy())) {
                errors.add(spec.tenantId() + "/" + spec.nameOrDefault() + " exists and is managed through the API; "
                        + "left alone");
                return Uni.createFrom().voidItem();
            }
            keep.add(existing.id());
            if (EventJson.write(existing.spec()).equals(EventJson.write(spec))) {
                return Uni.createFrom().voidItem();
            }
            return store.update(existing.id(), spec, null, routes.staticConflicts(spec.tenantId()))
                    .invoke(u -> counts[1]++)
                    .onFailure().recoverWithItem(e -> {
                        errors.add(spec.tenantId() + "/" + spec.nameOrDefault() + ": " + describe(e));
                        return null;
                    })
                    .replaceWithVoid();
        });
    }

    private static String describe(Throwable e) {
        if (e instanceof TriggerStore.RouteTaken taken) {
            // The file is the operator's, who may see every tenant's ids.
            return "another route (" + taken.otherId + ") serves requests the same method and path would match";
        }
        if (e instanceof TriggerStore.NameTaken) {
            return "the name is taken";
        }
        return e.toString();
    }
}
