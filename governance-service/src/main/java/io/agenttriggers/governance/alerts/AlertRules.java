package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.signal.Signal;
import io.agenttriggers.governance.domain.Glob;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The enabled alert rules by tenant, as every outcome is matched against them. Reloaded when the alert epoch moved
 * (polled like the policies), so a rule change is in force on every replica within about a second. Evaluation waits
 * for the first load, so no outcome is judged against an empty set just because the service has only started.
 */
@ApplicationScoped
public class AlertRules {

    private static final Logger LOG = Logger.getLogger(AlertRules.class);

    /** A rule ready to match: its id, its spec (defaults filled in) and its compiled event-name glob. */
    public record Rule(UUID id, AlertRuleSpec spec, Glob eventName, Glob source) {

        static Rule of(UUID id, AlertRuleSpec spec) {
            AlertRuleSpec.Scope scope = spec.scope();
            return new Rule(id, spec, scope == null || scope.eventName() == null ? null : Glob.compile(scope.eventName()),
                    scope == null || scope.source() == null ? null : Glob.compile(scope.source()));
        }

        boolean matches(RunOutcome o) {
            return matches(o.eventName(), o.triggerType(), o.source(), o.workflowId());
        }

        private boolean matches(String name, String triggerType, String src, String workflowId) {
            AlertRuleSpec.Scope scope = spec.scope();
            return scope == null || ((eventName == null || eventName.matches(name))
                    && (scope.triggerType() == null || scope.triggerType().equals(triggerType))
                    && (source == null || (src != null && source.matches(src)))
                    && (scope.workflowId() == null || scope.workflowId().equals(workflowId)));
        }

        /** Whether the rule counts the signal: its kind, and for a tenant's signal the rule's scope. */
        boolean matches(Signal s) {
            String kind = spec.kind();
            boolean ofKind = switch (s.kind()) {
                case Signal.CRON_MISFIRE, Signal.CRON_UNPLANNABLE -> AlertRuleSpec.CRON_MISFIRE.equals(kind);
                case Signal.WEBHOOK_VERIFICATION_FAILED -> AlertRuleSpec.VERIFICATION_FAILURES.equals(kind);
                default -> AlertRuleSpec.RUNTIME_PAUSED.equals(kind);
            };
            return ofKind && (s.installationWide() || matches(s.name(), triggerType(s), s.subject(), null));
        }

        /** The alert a signal counts towards: the replica for the runtime breaker, else as the rule groups. */
        String groupKey(Signal s) {
            if (s.installationWide()) {
                return s.subject();
            }
            return switch (spec.groupBy()) {
                case "tenant" -> s.tenantId();
                case "triggerType" -> triggerType(s);
                case "workflowId" -> "(none)";
                case "eventName" -> s.name() == null ? s.subject() : s.name();
                default -> s.subject();
            };
        }

        private static String triggerType(Signal s) {
            return s.kind().startsWith("cron.") ? "cron" : "webhook";
        }

        /**
         * The run's latency as the rule measures it: in the dispatcher, or end to end from the moment its run id
         * was made at the ingress (a run id that is not ours falls back to the dispatcher's measure).
         */
        long latencyMs(RunOutcome o) {
            long runtime = o.duration() == null ? 0 : o.duration().toMillis();
            if (!spec.endToEnd()) {
                return runtime;
            }
            java.time.Instant accepted = io.agenttriggers.common.event.RunIds.timeOf(o.runId());
            return accepted == null ? runtime
                    : Math.max(runtime, o.finishedAt().toInstant().toEpochMilli() - accepted.toEpochMilli());
        }

        /** The alert an outcome counts towards within this rule. */
        String groupKey(RunOutcome o) {
            return switch (spec.groupBy()) {
                case "tenant" -> o.tenantId();
                case "triggerType" -> String.valueOf(o.triggerType());
                case "source" -> String.valueOf(o.source());
                case "workflowId" -> o.workflowId() == null ? "(none)" : o.workflowId();
                default -> o.eventName();
            };
        }
    }

    @Inject
    AlertRuleStore store;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile Map<String, List<Rule>> byTenant = Map.of();
    private volatile Map<UUID, Rule> byId = Map.of();
    /** Every tenant's rules over signals, for the installation-wide ones. */
    private volatile List<Rule> signalRules = List.of();
    /** Every tenant's budget-share rules, which the budget watch reads the use for. */
    private volatile List<Rule> usageRules = List.of();
    private volatile long epoch = -1;

    void start(@Observes StartupEvent ignored) {
        registry.gauge("governance_alert_rules", this, r -> r.byId.size());
        refresh().subscribe().with(x -> {
        }, e -> LOG.warnf("Could not load the alert rules yet (%s); retrying", e.toString()));
    }

    /** Waits for the first load. */
    public Uni<Void> ready() {
        return loaded.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(loaded);
    }

    /** The enabled rules of the outcome's tenant that count it (circuit rules count breakers, not outcomes). */
    public List<Rule> matching(RunOutcome outcome) {
        return matching(outcome, false);
    }

    /** The tenant's enabled circuit-open rules whose scope holds the outcome that moved a breaker. */
    public List<Rule> circuitRules(RunOutcome outcome) {
        return matching(outcome, true);
    }

    private List<Rule> matching(RunOutcome outcome, boolean circuits) {
        List<Rule> rules = byTenant.get(outcome.tenantId());
        if (rules == null) {
            return List.of();
        }
        List<Rule> out = new ArrayList<>(1);
        for (Rule r : rules) {
            boolean wanted = circuits ? AlertRuleSpec.CIRCUIT_OPEN.equals(r.spec().kind()) : r.spec().countsOutcomes();
            if (wanted && r.matches(outcome)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The enabled rules that count a signal: the tenant's, or every tenant's runtime-paused rules. */
    public List<Rule> matching(Signal signal) {
        List<Rule> rules = signal.installationWide() ? signalRules : byTenant.get(signal.tenantId());
        if (rules == null) {
            return List.of();
        }
        List<Rule> out = new ArrayList<>(1);
        for (Rule r : rules) {
            if (r.spec().signalled() && r.matches(signal)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The enabled budget-share rules of every tenant. */
    public List<Rule> usageRules() {
        return usageRules;
    }

    /** An enabled rule by id, or null (deleted, disabled). */
    public Rule rule(UUID id) {
        return byId.get(id);
    }

    public boolean any() {
        return !byId.isEmpty();
    }

    @Scheduled(every = "${triggers.governance.policy-refresh:PT1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return refresh().onFailure().recoverWithItem(e -> {
            LOG.debugf("Alert rule refresh failed: %s", e.toString());
            return null;
        });
    }

    /** Reloads when the epoch moved since the last load; a load that finishes after a newer one is dropped. */
    public Uni<Void> refresh() {
        return pool.query("select epoch from governance.alert_epoch where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("epoch"))
                .chain(seen -> seen == epoch ? Uni.createFrom().voidItem()
                        : store.where("enabled = true").map(rows -> {
                            Map<String, List<Rule>> tenants = new HashMap<>();
                            Map<UUID, Rule> ids = new HashMap<>();
                            for (AlertRuleRow row : rows) {
                                AlertRuleSpec spec = store.spec(row.getConfig());
                                Rule rule = Rule.of(row.getId(), spec);
                                tenants.computeIfAbsent(row.getTenantId(), t -> new ArrayList<>()).add(rule);
                                ids.put(row.getId(), rule);
                            }
                            synchronized (this) {
                                if (seen > epoch) {
                                    byTenant = Map.copyOf(tenants);
                                    byId = Map.copyOf(ids);
                                    signalRules = ids.values().stream().filter(r -> r.spec().signalled()).toList();
                                    usageRules = ids.values().stream()
                                            .filter(r -> AlertRuleSpec.BUDGET_SHARE.equals(r.spec().kind())).toList();
                                    epoch = seen;
                                }
                            }
                            loaded.complete(null);
                            return null;
                        }));
    }
}
