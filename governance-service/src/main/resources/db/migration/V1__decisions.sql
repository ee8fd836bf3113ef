-- One row per trigger event: what governance decided and why. A redelivered event finds its decision here
-- and gets the same answer.
create table governance.decisions (
    run_id       uuid primary key,
    tenant_id    text        not null,
    event_name   text        not null,
    trigger_type text        not null,
    source       text        not null,
    verdict      text        not null check (verdict in ('approved', 'rejected')),
    reason       text,
    policy       text        not null,
    detail       text,
    decided_at   timestamptz not null default now()
);

create index decisions_tenant_time on governance.decisions (tenant_id, run_id desc);
