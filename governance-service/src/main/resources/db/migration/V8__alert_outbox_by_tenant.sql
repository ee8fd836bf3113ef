-- Rounds of the alert outbox take at most a share of each tenant's due notifications (delivery-per-tenant): they
-- are read per tenant, oldest first.
create index alert_notifications_tenant_due on governance.alert_notifications (tenant_id, next_attempt_at)
    where status = 'pending';
