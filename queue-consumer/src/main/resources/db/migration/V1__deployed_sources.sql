-- Sources created by workflow deployments (the queue and email triggers of a deployed workflow). The spec is the
-- trigger as the part received it; its credentials are references (secret:<name>), never values.
create table deployed_sources (
    tenant_id   text        not null,
    workflow_id text        not null,
    name        text        not null,
    spec        jsonb       not null,
    -- The generation of the write that set this spec: replicas restart a source whose revision they have not run.
    revision    bigint      not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, workflow_id, name)
);

-- One row, bumped by every write of deployed_sources in the same transaction: a replica reads it every few seconds
-- and reloads the sources only when it moved.
create table source_generation (
    id         int    primary key check (id = 1),
    generation bigint not null
);
insert into source_generation values (1, 0);

-- Who polls a mailbox: one replica at a time holds its lease, renewing it before each poll; another takes over once
-- it has expired.
create table mailbox_leases (
    source     text        primary key,
    owner      text        not null,
    expires_at timestamptz not null
);
