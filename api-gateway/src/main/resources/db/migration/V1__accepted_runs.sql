-- Runs this gateway handed out, so that GET /api/v1/runs/{id} reads "queued" (never 404) before the
-- dispatcher has recorded them.
create table api.accepted_runs (
    run_id      uuid primary key,
    tenant_id   text        not null,
    trigger_id  text        not null,
    event_name  text        not null,
    accepted_at timestamptz not null default now()
);

create index accepted_runs_accepted_at on api.accepted_runs (accepted_at);
