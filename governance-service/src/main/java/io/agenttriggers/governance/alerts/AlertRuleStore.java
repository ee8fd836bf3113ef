package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.versioned.VersionedStore;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.hibernate.reactive.mutiny.Mutiny;

/** Alert rules and their versions, on the shared {@link VersionedStore}. */
@ApplicationScoped
public class AlertRuleStore extends VersionedStore<AlertRuleSpec, AlertRuleRow, AlertRuleVersionRow> {

    @Inject
    GovernanceConfig governance;

    public AlertRuleStore() {
        super(AlertRuleSpec.class, AlertRuleRow.class, AlertRuleRow::new, AlertRuleVersionRow.class,
                AlertRuleVersionRow::new, Set.of("alert_rules_tenant_name"));
    }

    @Override
    protected void apply(AlertRuleRow row, AlertRuleSpec spec) {
        row.setTenantId(spec.tenantId());
        row.setName(spec.name());
        row.setEnabled(spec.isEnabled());
    }

    /** Every outcome is matched against the tenant's rules, so their number is bounded. */
    @Override
    protected TenantQuota quota(AlertRuleRow row) {
        return new TenantQuota("governance.alert_rules", "alert rules",
                "select count(*) from governance.alert_rules where tenant_id = $1",
                governance.alerts().maxRulesPerTenant(), "triggers.governance.alerts.max-rules-per-tenant");
    }

    @Override
    protected Uni<Void> afterWrite(Mutiny.Session session) {
        return AlertChannelStore.bumpEpoch(session);
    }
}
