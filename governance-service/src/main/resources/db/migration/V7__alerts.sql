-- Tenants' alert rules and channels: versioned configuration like policies (common-model's VersionedStore).
create table governance.alert_rules (
    id         uuid primary key,
    tenant_id  text        not null,
    name       text        not null,
    enabled    boolean     not null,
    version    integer     not null,
    managed_by text        not null default 'api',
    config     jsonb       not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index alert_rules_tenant_name on governance.alert_rules (tenant_id, name);

create table governance.alert_rule_versions (
    rule_id    uuid        not null references governance.alert_rules (id) on delete cascade,
    version    integer     not null,
    config     jsonb       not null,
    change     text        not null,
    changed_at timestamptz not null default now(),
    primary key (rule_id, version)
);

-- A channel's secret (a webhook's signing secret, a Slack incoming-webhook URL) is sealed (AES-256-GCM) in its row,
-- never in a version snapshot.
create table governance.alert_channels (
    id         uuid primary key,
    tenant_id  text        not null,
    name       text        not null,
    enabled    boolean     not null,
    version    integer     not null,
    managed_by text        not null default 'api',
    config     jsonb       not null,
    secret     bytea,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index alert_channels_tenant_name on governance.alert_channels (tenant_id, name);

create table governance.alert_channel_versions (
    channel_id uuid        not null references governance.alert_channels (id) on delete cascade,
    version    integer     not null,
    config     jsonb       not null,
    change     text        not null,
    changed_at timestamptz not null default now(),
    primary key (channel_id, version)
);

-- Bumped by every rule or channel change: replicas poll it to reload the rules they evaluate.
create table governance.alert_epoch (
    id    integer primary key check (id = 1),
    epoch bigint not null
);
insert into governance.alert_epoch (id, epoch) values (1, 0);

-- One alert per (rule, group key), across its episodes: firing, then resolved, then perhaps firing again. The
-- evaluation state (counters, the window's buckets, the latest run ids) is the jsonb; the columns are what lists
-- filter on.
create table governance.alerts (
    id             uuid primary key,
    rule_id        uuid        not null references governance.alert_rules (id) on delete cascade,
    tenant_id      text        not null,
    group_key      text        not null,
    firing         boolean     not null default false,
    episode        integer     not null default 0,
    state          jsonb       not null,
    started_at     timestamptz,
    resolved_at    timestamptz,
    silenced_until timestamptz,
    updated_at     timestamptz not null default now(),
    unique (rule_id, group_key)
);
create index alerts_tenant on governance.alerts (tenant_id, updated_at desc, id desc);
create index alerts_firing on governance.alerts (updated_at) where firing;

-- The next outcome offset to evaluate, per partition, written in the transaction that applies a batch: a batch
-- that Kafka delivers again after a crash or a rebalance is never counted twice.
create table governance.alert_offsets (
    topic       text    not null,
    part        integer not null,
    next_offset bigint  not null,
    primary key (topic, part)
);

-- The outbox: a notification is stored with the state change that caused it and sent afterwards, retried until a
-- channel takes it. (alert, channel, seq) is unique, so a notification exists once however often it is derived.
create table governance.alert_notifications (
    id              uuid primary key,
    alert_id        uuid        references governance.alerts (id) on delete cascade, -- null for a channel test
    channel_id      uuid        not null references governance.alert_channels (id) on delete cascade,
    tenant_id       text        not null,
    seq             integer     not null,
    kind            text        not null check (kind in ('firing', 'repeat', 'resolved', 'test')),
    body            jsonb       not null,
    status          text        not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz,
    unique (alert_id, channel_id, seq)
);
create index alert_notifications_due on governance.alert_notifications (next_attempt_at) where status = 'pending';
create index alert_notifications_alert on governance.alert_notifications (alert_id, created_at desc);

-- Every delivery attempt, for the notifications API.
create table governance.alert_attempts (
    notification_id uuid        not null references governance.alert_notifications (id) on delete cascade,
    attempt         integer     not null,
    at              timestamptz not null default now(),
    status_code     integer,
    error           text,
    duration_ms     integer     not null,
    primary key (notification_id, attempt)
);
