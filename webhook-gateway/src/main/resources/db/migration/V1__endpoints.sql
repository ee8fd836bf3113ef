-- Webhook endpoints. The configuration (without secrets) is JSON so that versions can hold whole snapshots;
-- secrets are AES-GCM ciphertext, the previous one kept during a rotation's grace period.
create table webhook.endpoints (
    id                         uuid primary key,
    tenant_id                  text        not null,
    name                       text        not null,
    event_name                 text        not null,
    enabled                    boolean     not null,
    version                    integer     not null,
    managed_by                 text        not null default 'api' check (managed_by in ('api', 'file')),
    config                     jsonb       not null,
    secret                     bytea,
    previous_secret            bytea,
    previous_secret_expires_at timestamptz,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now(),
    unique (tenant_id, name)
);

create index endpoints_tenant on webhook.endpoints (tenant_id, id desc);

-- Every configuration an endpoint had; a rollback writes a new version with an old configuration.
create table webhook.endpoint_versions (
    endpoint_id uuid        not null references webhook.endpoints (id) on delete cascade,
    version     integer     not null,
    config      jsonb       not null,
    change      text        not null,
    changed_at  timestamptz not null default now(),
    primary key (endpoint_id, version)
);
