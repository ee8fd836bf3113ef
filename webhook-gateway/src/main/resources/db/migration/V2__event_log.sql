-- Every request to a known endpoint: what came in (headers redacted, body bounded), what was decided, which run.
create table webhook.events (
    id             uuid primary key,
    endpoint_id    uuid        not null,
    tenant_id      text        not null,
    received_at    timestamptz not null,
    method         text        not null,
    source_ip      text,
    user_agent     text,
    headers        jsonb       not null,
    content_type   text,
    body           bytea,
    body_size      integer     not null,
    body_truncated boolean     not null,
    verified       boolean     not null,
    status_code    integer     not null,
    outcome        text        not null,
    error_code     text,
    error          text,
    delivery_id    text,
    run_id         uuid,
    duration_ms    integer     not null,
    replay_of      uuid
);

create index events_endpoint on webhook.events (endpoint_id, id desc);
create index events_received on webhook.events (received_at);
