package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTrigger;
import io.agenttriggers.api.domain.ApiTriggerSpec;
import io.agenttriggers.api.domain.PathTemplate;
import io.agenttriggers.api.domain.RouteClaim;
import io.agenttriggers.api.domain.RouteTable;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The routes this replica serves: the triggers declared in configuration plus every enabled registered trigger.
 * Polls the registry's revision (one tiny query per {@code route-refresh}) and rebuilds the table when it moved, so a
 * change made through any replica is served everywhere within that interval; the replica that made the change
 * reloads at once.
 */
@ApplicationScoped
public class RouteRegistry {

    private static final Logger LOG = Logger.getLogger(RouteRegistry.class);

    @Inject
    TriggerStore store;

    @Inject
    ApiGatewayConfig config;

    @Inject
    Vertx vertx;

    private volatile RouteTable table = RouteTable.empty();
    private volatile long revision = -1;
    private final List<ApiTrigger> staticTriggers = new ArrayList<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        config.routes().forEach((id, r) -> {
            List<FieldError> errors = new ArrayList<>();
            ApiTrigger t = new ApiTriggerSpec(r.tenantId(), id, r.method(), r.path(), r.eventName(),
                    r.description().orElse(null), r.responseMode(), null, r.focus().orElse(null), false, null, null,
                    null, null, true, null).compile(id, 1, "config", errors);
            if (t == null) {
                throw new IllegalStateException("API trigger " + id + " in configuration is invalid: " + errors);
            }
            for (ApiTrigger other : staticTriggers) {
                if (RouteClaim.of(t).conflictsWith(RouteClaim.of(other))) {
                    throw new IllegalStateException("API triggers " + other.id() + " and " + id + " in configuration "
                            + "claim the same requests of " + t.method() + " " + t.path() + " (tenants "
                            + other.tenantId() + ", " + t.tenantId() + ")");
                }
            }
            staticTriggers.add(t);
        });
        table = new RouteTable(staticTriggers);
        try {
            refresh().await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warnf("Could not load the registered API triggers at start (%s); retrying in the background",
                    e.toString());
        }
        timer = vertx.setPeriodic(config.routeRefresh().toMillis(), id -> {
            if (refreshing.compareAndSet(false, true)) {
                refresh().subscribe().with(ok -> refreshing.set(false), e -> {
                    refreshing.set(false);
                    LOG.debugf("Route refresh failed: %s", e.toString());
                });
            }
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public RouteTable table() {
        return table;
    }

    /**
     * For the store's route check: maps {@code METHOD path} of a registration of the tenant to the id of a
     * configuration-declared route it conflicts with (see {@link RouteClaim#conflictsWith}), or null.
     */
    public Function<String, String> staticConflicts(String tenantId) {
        return methodAndPath -> {
            int space = methodAndPath.indexOf(' ');
            RouteClaim claim = new RouteClaim(tenantId, methodAndPath.substring(0, space),
                    PathTemplate.parse(methodAndPath.substring(space + 1)));
            return staticTriggers.stream().filter(t -> claim.conflictsWith(RouteClaim.of(t))).map(ApiTrigger::id)
                    .findFirst().orElse(null);
        };
    }

    public List<ApiTrigger> staticTriggers() {
        return List.copyOf(staticTriggers);
    }

    /** Reloads when the revision moved (or always, after a change made here). */
    public Uni<Void> refresh() {
        return store.revision().chain(current -> {
            if (current == revision) {
                return Uni.createFrom().voidItem();
            }
            return store.enabled().invoke(rows -> {
                List<ApiTrigger> triggers = new ArrayList<>(staticTriggers);
                for (TriggerStore.Stored s : rows) {
                    List<FieldError> errors = new ArrayList<>();
                    ApiTrigger t = s.spec().compile(s.id(), s.version(), s.managedBy(), errors);
                    if (t == null) {
                        LOG.warnf("API trigger %s no longer compiles (%s); not serving it", s.id(), errors);
                    } else {
                        triggers.add(t);
                    }
                }
                try {
                    table = new RouteTable(triggers);
                    revision = current;
                } catch (IllegalArgumentException e) {
                    LOG.errorf("API trigger routes conflict (%s); keeping the previous table", e.getMessage());
                }
            }).replaceWithVoid();
        });
    }
}
