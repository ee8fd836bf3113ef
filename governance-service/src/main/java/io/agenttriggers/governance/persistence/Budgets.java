package io.agenttriggers.governance.persistence;

import io.agenttriggers.governance.domain.CompiledPolicy;
import io.agenttriggers.governance.domain.DayWindow;
import io.agenttriggers.governance.domain.Keys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Today's usage of every quota and budget, read from Redis for the dashboards, and the gauge
 * {@code governance_budget_usage_ratio{policy,kind}}: the fullest bucket's share of its limit (1 = exhausted).
 */
@ApplicationScoped
public class Budgets {

    /** Most buckets listed per policy and kind. */
    static final int MAX_BUCKETS = 1_000;

    @Inject
    GovernanceState state;

    @Inject
    PolicyCache cache;

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    /** One bucket's use today. */
    public record Bucket(String bucket, BigDecimal used, BigDecimal remaining) {
    }

    /** A quota ({@code runs}) or budget ({@code costUsd}) of one policy, for today in its time zone. */
    public record Usage(String policyId, String policyName, String tenantId, String kind, String day, String timezone,
            BigDecimal limit, List<Bucket> buckets) {
    }

    public Uni<List<Usage>> today(java.util.function.Predicate<CompiledPolicy> visible) {
        return cache.current().chain(policies -> {
            List<Uni<Usage>> reads = new ArrayList<>();
            Instant now = Instant.now();
            for (CompiledPolicy p : policies) {
                if (!visible.test(p)) {
                    continue;
                }
                if (p.spec().quota() != null) {
                    DayWindow day = DayWindow.of(ZoneId.of(p.spec().quota().timezone()), now);
                    reads.add(usage(p, "runs", "q", Keys.quotaIndex(p.id(), day.day().toString()), day.day().toString(),
                            p.spec().quota().timezone(),
                            BigDecimal.valueOf(p.spec().quota().maxRunsPerDay())));
                }
                if (p.spec().budget() != null) {
                    DayWindow day = DayWindow.of(ZoneId.of(p.spec().budget().timezone()), now);
                    reads.add(usage(p, "costUsd", "b", Keys.budgetIndex(p.id(), day.day().toString()),
                            day.day().toString(), p.spec().budget().timezone(),
                            p.spec().budget().maxCostPerDayUsd()));
                }
            }
            if (reads.isEmpty()) {
                return Uni.createFrom().item(List.<Usage>of());
            }
            return Uni.join().all(reads).andFailFast();
        });
    }

    private Uni<Usage> usage(CompiledPolicy p, String kind, String prefix, String index, String day, String zone,
            BigDecimal limit) {
        String keyPrefix = Keys.PREFIX + prefix + ":" + p.id() + ":" + day + ":";
        return state.command("SRANDMEMBER", index, Integer.toString(MAX_BUCKETS)).chain(members -> {
            List<String> keys = new ArrayList<>();
            members.forEach(m -> keys.add(m.toString()));
            if (keys.isEmpty()) {
                return Uni.createFrom().item(new Usage(p.id(), p.name(), p.spec().tenantId(), kind, day, zone, limit,
                        List.of()));
            }
            List<String> sorted = keys.stream().sorted().toList();
            return state.command("MGET", sorted.toArray(String[]::new)).map(values -> {
                List<Bucket> buckets = new ArrayList<>();
                double fullest = 0;
                for (int i = 0; i < sorted.size(); i++) {
                    if (values.get(i) == null) {
                        continue;
                    }
                    BigDecimal used = clean(new BigDecimal(values.get(i).toString()));
                    BigDecimal remaining = clean(limit.subtract(used).max(BigDecimal.ZERO));
                    buckets.add(new Bucket(sorted.get(i).substring(keyPrefix.length()), used, remaining));
                    if (limit.signum() > 0) {
                        fullest = Math.max(fullest, used.doubleValue() / limit.doubleValue());
                    } else {
                        fullest = 1;
                    }
                }
                gauge(p.id(), kind).set(fullest);
                return new Usage(p.id(), p.name(), p.spec().tenantId(), kind, day, zone, limit, buckets);
            });
        });
    }

    /** No trailing zeros, and never an exponent ({@code 1E+1}) in JSON. */
    static BigDecimal clean(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Keeps the usage gauges fresh for Prometheus even when no dashboard asks. */
    @Scheduled(every = "${triggers.governance.budget-gauge-refresh:PT15S}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshGauges() {
        return today(p -> true).replaceWithVoid().onFailure().recoverWithNull();
    }

    private AtomicReference<Double> gauge(String policyId, String kind) {
        return gauges.computeIfAbsent(policyId + "/" + kind, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(0d);
            Gauge.builder("governance_budget_usage_ratio", holder, AtomicReference::get)
                    .description("Today's use of a quota or budget by its fullest bucket (1 = exhausted)")
                    .tag("policy", policyId).tag("kind", kind).register(registry);
            return holder;
        });
    }
}
