-- Policies. The configuration is JSON so that versions hold whole snapshots. tenant_id null = a global policy.
create table governance.policies (
    id         uuid primary key,
    tenant_id  text,
    name       text        not null,
    enabled    boolean     not null,
    priority   integer     not null,
    version    integer     not null,
    managed_by text        not null default 'api' check (managed_by in ('api', 'file')),
    config     jsonb       not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create unique index policies_tenant_name on governance.policies (coalesce(tenant_id, ''), name);
create index policies_tenant on governance.policies (tenant_id, id desc);

-- Every configuration a policy had; a rollback writes a new version with an old configuration.
create table governance.policy_versions (
    policy_id  uuid        not null references governance.policies (id) on delete cascade,
    version    integer     not null,
    config     jsonb       not null,
    change     text        not null,
    changed_at timestamptz not null default now(),
    primary key (policy_id, version)
);

-- Bumped in the transaction of every policy change: replicas poll this one row to know when to reload.
create table governance.policy_epoch (
    id    integer primary key check (id = 1),
    epoch bigint not null
);
insert into governance.policy_epoch (id, epoch) values (1, 0);

-- The audit gets which policy version decided, when to retry, how long deciding took, and whether a fail-open
-- policy was skipped because Redis was unreachable.
alter table governance.decisions
    add column policy_name    text,
    add column policy_version integer not null default 0,
    add column retry_after_ms bigint,
    add column latency_us     integer,
    add column degraded       boolean not null default false,
    add column event_time     timestamptz;

create index decisions_time on governance.decisions (decided_at);
create index decisions_event_name on governance.decisions (tenant_id, event_name, run_id desc);
