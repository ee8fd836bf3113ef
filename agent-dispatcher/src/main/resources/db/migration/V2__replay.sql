-- The event itself, so a dead-lettered run can be re-driven from the ledger; and how often it was.
alter table dispatch.runs
    add column event   jsonb,
    add column replays integer not null default 0;

create index runs_event_name on dispatch.runs (tenant_id, event_name, run_id desc);

-- Housekeeping deletes claims whose window ended.
create index idempotency_keys_expiry on dispatch.idempotency_keys (expires_at);
