-- Schedules. The registration is JSON (config); the firing state is in columns. due_at = next nominal fire time +
-- the schedule's deterministic jitter; it is null when nothing is to fire (paused, disabled, past endAt). Replicas
-- of one cluster (triggers.cron-service.cluster) claim due rows with FOR UPDATE SKIP LOCKED and advance them in the transaction that emitted their events.
create table cron.schedules (
    id               uuid primary key,
    cluster          text        not null default 'default',
    tenant_id        text        not null,
    event_name       text        not null,
    version          integer     not null,
    managed_by       text        not null default 'api' check (managed_by in ('api', 'file')),
    config           jsonb       not null,
    enabled          boolean     not null,
    paused           boolean     not null default false,
    pause_note       text,
    next_fire_at     timestamptz,
    due_at           timestamptz,
    last_fire_at     timestamptz,
    last_run_id      uuid,
    last_run_status  text,
    buffered_fire_at timestamptz,
    policy_id        text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create index schedules_due on cron.schedules (cluster, due_at) where due_at is not null;
create index schedules_tenant on cron.schedules (tenant_id, id desc);
create index schedules_last_run on cron.schedules (last_run_id) where last_run_id is not null;
