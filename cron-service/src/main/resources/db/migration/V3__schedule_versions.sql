-- Every registration a schedule had (common-model's VersionedStore); a rollback writes a new version with an old
-- registration. Schedules registered before this migration start their history at their current version.
create table cron.schedule_versions (
    schedule_id uuid        not null references cron.schedules (id) on delete cascade,
    version     integer     not null,
    config      jsonb       not null,
    change      text        not null,
    changed_at  timestamptz not null default now(),
    primary key (schedule_id, version)
);

insert into cron.schedule_versions (schedule_id, version, config, change, changed_at)
select id, version, config, case when version = 1 then 'created' else 'updated' end, updated_at from cron.schedules;
