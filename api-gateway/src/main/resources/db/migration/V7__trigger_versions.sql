-- Every configuration an API trigger had (common-model's VersionedStore); a rollback writes a new version with an
-- old configuration. Triggers registered before this migration start their history at their current version.
create table api.trigger_versions (
    trigger_id uuid        not null references api.triggers (id) on delete cascade,
    version    integer     not null,
    config     jsonb       not null,
    change     text        not null,
    changed_at timestamptz not null default now(),
    primary key (trigger_id, version)
);

insert into api.trigger_versions (trigger_id, version, config, change, changed_at)
select id, version, config, case when version = 1 then 'created' else 'updated' end, updated_at from api.triggers;
