package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.domain.RouteClaim;
import io.agenttriggers.common.declarative.FileReconciler;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.versioned.NameTaken;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Declarative API triggers: a YAML file ({@code triggers: [ ... ]}, the same fields as the REST API) reconciled into
 * the database at start. Triggers it creates are {@code managedBy: file} and refuse REST edits; triggers the API
 * created are never taken over; file triggers no longer in the file are deleted ({@link FileReconciler}). Entries
 * whose routes would claim each other's requests refuse the file before anything is written.
 */
@ApplicationScoped
public class TriggerFile extends FileReconciler<ApiTriggerSpec, TriggerStore.Stored> {

    @Inject
    ApiGatewayConfig config;

    @Inject
    TriggerStore store;

    @Inject
    RouteRegistry routes;

    @Inject
    OutboundUrlPolicy urls;

    public TriggerFile() {
        super("triggers", ApiTriggerSpec.class, "API triggers file");
    }

    void start(@Observes @Priority(10) StartupEvent ignored) {
        applyAtStart(config.triggersFile());
    }

    @Override
    protected List<FieldError> problems(ApiTriggerSpec spec) {
        List<FieldError> problems = new ArrayList<>();
        spec.compile("file", 1, "file", urls, problems);
        return problems;
    }

    /**
     * Entries that would refuse each other: the store would refuse the later one only after the earlier ones were
     * applied, and the file is applied whole or not at all.
     */
    @Override
    protected List<String> conflicts(List<ApiTriggerSpec> entries) {
        List<String> errors = new ArrayList<>();
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
        return errors;
    }

    @Override
    protected String key(ApiTriggerSpec spec) {
        return spec.tenantId() + "/" + spec.nameOrDefault();
    }

    @Override
    protected String storedKey(TriggerStore.Stored stored) {
        return key(stored.spec());
    }

    @Override
    protected Uni<List<TriggerStore.Stored>> fileManaged() {
        return store.fileManaged();
    }

    @Override
    protected Uni<Boolean> heldByOthers(ApiTriggerSpec spec) {
        return store.findByName(spec.tenantId(), spec.nameOrDefault()).map(found -> found.isPresent());
    }

    @Override
    protected boolean same(ApiTriggerSpec spec, TriggerStore.Stored stored) {
        return EventJson.write(stored.spec()).equals(EventJson.write(spec));
    }

    @Override
    protected Uni<?> create(ApiTriggerSpec spec) {
        return store.create(spec, "file", routes.staticConflicts(spec.tenantId()));
    }

    @Override
    protected Uni<?> update(TriggerStore.Stored stored, ApiTriggerSpec spec) {
        return store.update(stored.id(), spec, null, routes.staticConflicts(spec.tenantId()));
    }

    @Override
    protected Uni<?> delete(TriggerStore.Stored stored) {
        return store.delete(stored.id());
    }

    @Override
    protected String describe(Throwable e) {
        if (e instanceof TriggerStore.RouteTaken taken) {
            // The file is the operator's, who may see every tenant's ids.
            return "another route (" + taken.otherId + ") serves requests the same method and path would match";
        }
        if (e instanceof NameTaken) {
            return "the name is taken";
        }
        return e.toString();
    }

    @Override
    protected Uni<Void> applied() {
        return routes.refresh();
    }
}
