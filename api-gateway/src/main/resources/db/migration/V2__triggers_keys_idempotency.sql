-- API triggers registered at run time. The whole registration is JSON (config); method/path/enabled are columns
-- for listing. Every write bumps api.registry.revision in the same transaction: replicas poll that one row and
-- reload their route table when it moved, and the row's lock serializes registrations (route conflicts are
-- checked under it).
create table api.triggers (
    id          uuid primary key,
    tenant_id   text        not null,
    name        text        not null,
    method      text        not null,
    path        text        not null,
    enabled     boolean     not null,
    version     integer     not null,
    managed_by  text        not null default 'api' check (managed_by in ('api', 'file')),
    config      jsonb       not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (tenant_id, name)
);

create index triggers_tenant on api.triggers (tenant_id, id desc);

create table api.registry (
    id       integer primary key check (id = 1),
    revision bigint  not null
);

insert into api.registry (id, revision) values (1, 0);

-- API keys: only a SHA-256 of the key is kept (keys are 256 random bits, so a plain hash is enough).
create table api.api_keys (
    id          uuid primary key,
    tenant_id   text        not null,
    name        text        not null,
    key_hash    bytea       not null unique,
    key_prefix  text        not null,
    triggers    text[],
    rate_limit  jsonb,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz not null default now()
);

create index api_keys_tenant on api.api_keys (tenant_id, id desc);

-- Idempotency-Key claims per tenant: 'pending' while the first request publishes, then 'accepted'.
create table api.idempotency_keys (
    tenant_id    text        not null,
    idem_key     text        not null,
    request_hash text        not null,
    run_id       uuid        not null,
    state        text        not null check (state in ('pending', 'accepted')),
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    primary key (tenant_id, idem_key)
);

create index idempotency_keys_expires on api.idempotency_keys (expires_at);

-- Manual triggers: operators fire them by event name; some ask for a confirmation first.
create table api.manual_triggers (
    id          uuid primary key,
    tenant_id   text        not null,
    event_name  text        not null,
    version     integer     not null,
    config      jsonb       not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (tenant_id, event_name)
);

-- A run of a trigger that needs no credentials can be read with its id alone.
alter table api.accepted_runs add column public_result boolean not null default false;
