package io.agenttriggers.governance.alerts;

import io.agenttriggers.governance.persistence.Budgets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Budget-share rules: every {@code alerts.tick} ({@link AlertTicker}), today's use of the quotas and budgets of the tenants that have such
 * rules is read from governance's own state (as the dashboards read it) and each bucket at or above a rule's lowest
 * share is an observation; so is every firing alert whose bucket is gone or below (a new day resolves). Reading the
 * same use twice moves nothing, so every replica may watch: the alert's row lock orders them and the second finds
 * nothing new.
 */
@ApplicationScoped
public class BudgetWatch {

    /** Most observations applied per round; buckets are far fewer in practice, and the rule's alert cap holds too. */
    static final int MAX_PER_ROUND = 5_000;

    @Inject
    AlertRules rules;

    @Inject
    AlertLedger ledger;

    @Inject
    Budgets budgets;

    @Inject
    Pool pool;

    Clock clock = Clock.systemUTC();

    /** One round: reads the use, builds the observations and applies them; answers the notifications written. */
    Uni<Integer> round() {
        List<AlertRules.Rule> watching = rules.usageRules();
        if (watching.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Set<String> tenants = new HashSet<>();
        watching.forEach(r -> tenants.add(r.spec().tenantId()));
        UUID[] ids = watching.stream().map(AlertRules.Rule::id).toArray(UUID[]::new);
        return budgets.today(p -> p.spec().tenantId() == null || tenants.contains(p.spec().tenantId()))
                .chain(usage -> pool.preparedQuery("select rule_id, group_key from governance.alerts "
                                + "where firing and rule_id = any($1::uuid[]) limit $2")
                        .execute(Tuple.of(ids, MAX_PER_ROUND))
                        .map(rows -> {
                            Map<UUID, Set<String>> firing = new HashMap<>();
                            for (Row row : rows) {
                                firing.computeIfAbsent(row.getUUID("rule_id"), k -> new HashSet<>())
                                        .add(row.getString("group_key"));
                            }
                            return observations(watching, usage, firing, clock.instant());
                        }))
                .chain(pending -> pending.isEmpty() ? Uni.createFrom().item(0) : ledger.observe(pending));
    }

    /** The observations of one round: buckets at a rule's lowest share or above, and firing alerts below it. */
    static List<AlertLedger.Pending> observations(List<AlertRules.Rule> watching, List<Budgets.Usage> usage,
            Map<UUID, Set<String>> firing, Instant now) {
        List<AlertLedger.Pending> out = new ArrayList<>();
        for (AlertRules.Rule rule : watching) {
            String tenant = rule.spec().tenantId();
            double lowest = rule.spec().shares().get(0);
            Set<String> open = new HashSet<>(firing.getOrDefault(rule.id(), Set.of()));
            for (Budgets.Usage u : usage) {
                for (Budgets.Bucket b : u.buckets()) {
                    if (!belongs(u, b, tenant) || out.size() >= MAX_PER_ROUND) {
                        continue;
                    }
                    String key = groupKey(u, b);
                    double share = share(u.limit(), b.used());
                    boolean wasFiring = open.remove(key);
                    if (share >= lowest || wasFiring) {
                        out.add(new AlertLedger.Pending(0, 0, rule, key, tenant,
                                Observation.usage(now, share, describe(u, b))));
                    }
                }
            }
            // Firing alerts of buckets no longer read: yesterday's, or a policy changed or gone.
            for (String key : open) {
                if (out.size() < MAX_PER_ROUND) {
                    out.add(new AlertLedger.Pending(0, 0, rule, key, tenant,
                            Observation.usage(now, 0, key + ": no use today")));
                }
            }
        }
        return out;
    }

    /**
     * Whether a bucket is the tenant's: every bucket of its own policy; of a global policy, the buckets within the
     * tenant (named by it, or starting with it and '/'), never the policy-wide one.
     */
    static boolean belongs(Budgets.Usage u, Budgets.Bucket b, String tenant) {
        if (u.tenantId() != null) {
            return u.tenantId().equals(tenant);
        }
        return b.bucket().equals(tenant) || b.bucket().startsWith(tenant + "/");
    }

    static String groupKey(Budgets.Usage u, Budgets.Bucket b) {
        return u.policyName() + ":" + u.kind() + ":" + b.bucket();
    }

    static double share(BigDecimal limit, BigDecimal used) {
        if (limit.signum() <= 0) {
            return 1;
        }
        return used.doubleValue() / limit.doubleValue();
    }

    private static String describe(Budgets.Usage u, Budgets.Bucket b) {
        String amount = "costUsd".equals(u.kind()) ? "$" + b.used().toPlainString() + " of $"
                + u.limit().toPlainString() + " spent" : b.used().toPlainString() + " of " + u.limit().toPlainString()
                + " runs used";
        return "Policy " + u.policyName() + ", bucket " + b.bucket() + ": " + amount + " on " + u.day() + " ("
                + u.timezone() + ")";
    }
}
