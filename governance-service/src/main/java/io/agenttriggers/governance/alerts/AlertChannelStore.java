package io.agenttriggers.governance.alerts;

import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.versioned.VersionedStore;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.hibernate.reactive.mutiny.Mutiny;

/** Notification channels and their versions, on the shared {@link VersionedStore}; secrets stay sealed in the row. */
@ApplicationScoped
public class AlertChannelStore extends VersionedStore<AlertChannelSpec, AlertChannelRow, AlertChannelVersionRow> {

    @Inject
    GovernanceConfig governance;

    public AlertChannelStore() {
        super(AlertChannelSpec.class, AlertChannelRow.class, AlertChannelRow::new, AlertChannelVersionRow.class,
                AlertChannelVersionRow::new, Set.of("alert_channels_tenant_name"));
    }

    @Override
    protected void apply(AlertChannelRow row, AlertChannelSpec spec) {
        row.setTenantId(spec.tenantId());
        row.setName(spec.name());
        row.setEnabled(spec.isEnabled());
    }

    @Override
    protected TenantQuota quota(AlertChannelRow row) {
        return new TenantQuota("governance.alert_channels", "alert channels",
                "select count(*) from governance.alert_channels where tenant_id = $1",
                governance.alerts().maxChannelsPerTenant(), "triggers.governance.alerts.max-channels-per-tenant");
    }

    @Override
    protected Uni<Void> afterWrite(Mutiny.Session session) {
        return bumpEpoch(session);
    }

    /** Replicas reload the rules and channels they evaluate when this counter moves. */
    static Uni<Void> bumpEpoch(Mutiny.Session session) {
        return session.createNativeQuery("update governance.alert_epoch set epoch = epoch + 1 where id = 1")
                .executeUpdate().replaceWithVoid();
    }
}
