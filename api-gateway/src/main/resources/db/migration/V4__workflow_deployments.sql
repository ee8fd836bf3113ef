-- Workflow deployments: the desired version of each workflow, what is in force, and each part's condition.
create table api.deployments (
    tenant_id       text        not null,
    workflow_id     text        not null,
    -- The version the parts are brought to; the newest that was not refused.
    version         int         not null,
    -- The last version every part took; null until the first one is in force.
    active_version  int,
    state           text        not null check (state in ('pending', 'ready', 'deleting')),
    -- Per part: {"version": n, "condition": "Ready|Pending|Failed", "reason": "...", "since": "..."}.
    parts           jsonb       not null default '{}'::jsonb,
    -- The newest refused version: {"version", "code", "detail", "errors", "at"}.
    last_failure    jsonb,
    -- When the reconciler next brings the parts to the version (null: nothing to do).
    next_attempt_at timestamptz,
    -- A replica reconciling the workflow holds it until then.
    lease_until     timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (tenant_id, workflow_id)
);
create index deployments_due on api.deployments (next_attempt_at) where next_attempt_at is not null;

create table api.deployment_versions (
    tenant_id   text        not null,
    workflow_id text        not null,
    version     int         not null,
    document    jsonb       not null,
    -- applied, refused, or null while it has not been settled.
    outcome     text        check (outcome in ('applied', 'refused')),
    created_at  timestamptz not null default now(),
    primary key (tenant_id, workflow_id, version)
);
