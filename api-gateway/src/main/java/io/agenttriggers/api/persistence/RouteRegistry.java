package io.agenttriggers.api.persistence;

import io.agenttriggers.api.config.ApiGatewayConfig;
import io.agenttriggers.api.domain.ApiTrigger;
import io.agenttriggers.api.domain.ApiTriggerSpec;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<String, String> staticRoutes = new HashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        config.routes().forEach((id, r) -> {
            List<FieldError> errors = new ArrayList<>();
            ApiTrigger t = new ApiTriggerSpec(r.tenantId(), id, r.method(), r.path(), r.eventName(),
                    r.description().orElse(null), r.responseMode(), null, r.focus().orElse(null), false, null, null,
                    null, null, true).compile(id, 1, "config", errors);
            if (t == null) {
                throw new IllegalStateException("API trigger " + id + " in configuration is invalid: " + errors);
            }
            staticTriggers.add(t);
            staticRoutes.put(t.method() + " " + t.template().shape(), id);
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

    /** Owner id of a configuration-declared route, by {@code METHOD shape}, or null. */
    public String staticOwner(String methodAndShape) {
        return staticRoutes.get(methodAndShape);
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
