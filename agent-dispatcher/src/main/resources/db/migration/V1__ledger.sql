-- The run ledger: every run the dispatcher saw, with its status, result and attempts.
create table dispatch.runs (
    run_id               uuid primary key,
    tenant_id            text        not null,
    event_name           text        not null,
    trigger_type         text        not null,
    source               text        not null,
    dedup_key            text        not null,
    status               text        not null,
    reason               text,
    decision_mode        text,
    agent_run_id         text,
    result               jsonb,
    error                text,
    cost_usd             numeric(18, 6),
    llm_calls            integer     not null default 0,
    attempts             integer     not null default 0,
    original_run_id      uuid,
    traceparent          text,
    event_time           timestamptz not null,
    queued_at            timestamptz not null default now(),
    started_at           timestamptz,
    finished_at          timestamptz,
    -- Set once the outcome event is on Kafka; a redelivery re-publishes only when it is null.
    outcome_published_at timestamptz
);

create index runs_tenant on dispatch.runs (tenant_id, run_id desc);
create index runs_status on dispatch.runs (status, run_id desc);

-- The idempotency guard: one owner run per (tenant, dedup key) within the window. Claimed in the same
-- transaction that creates the run row.
create table dispatch.idempotency_keys (
    tenant_id  text        not null,
    dedup_key  text        not null,
    run_id     uuid        not null,
    expires_at timestamptz not null,
    primary key (tenant_id, dedup_key)
);

-- Every call made for a run.
create table dispatch.attempts (
    run_id      uuid        not null references dispatch.runs (run_id),
    number      integer     not null,
    path        text        not null,
    started_at  timestamptz not null,
    duration_ms bigint      not null,
    status_code integer,
    error_class text,
    error       text,
    primary key (run_id, number)
);
