-- Retention: the ledger's runs and attempts are range-partitioned by run id, one partition per UTC day. Run ids are
-- UUIDv7, whose first 48 bits are the time in milliseconds, so one day's runs are one contiguous range and the
-- primary key stays (run_id) alone. The housekeeping (PartitionRetention) creates each day's partition ahead and
-- drops a partition whole once all its runs are past the retention: no row deletes, no bloat.
--
-- The existing tables become each one's first partition, holding everything up to the end of today (UTC); a row
-- with an id past that (a future or non-v7 id) moves to the default partition, which catches ids of no partition.
-- Attempts no longer reference runs by foreign key: a partition of runs could not be dropped while attempts
-- reference it; the two are created and dropped by the same day ranges.

alter table dispatch.attempts drop constraint attempts_run_id_fkey;

alter table dispatch.runs rename to runs_p_initial;
alter table dispatch.runs_p_initial rename constraint runs_pkey to runs_p_initial_pkey;
alter index dispatch.runs_tenant rename to runs_p_initial_tenant;
alter index dispatch.runs_status rename to runs_p_initial_status;
alter index dispatch.runs_event_name rename to runs_p_initial_event_name;
alter index dispatch.runs_source rename to runs_p_initial_source;

create table dispatch.runs (like dispatch.runs_p_initial including defaults including constraints)
    partition by range (run_id);
alter table dispatch.runs add primary key (run_id);
create index runs_tenant on dispatch.runs (tenant_id, run_id desc);
create index runs_status on dispatch.runs (status, run_id desc);
create index runs_event_name on dispatch.runs (tenant_id, event_name, run_id desc);
create index runs_source on dispatch.runs (source, run_id desc);
create table dispatch.runs_default partition of dispatch.runs default;

alter table dispatch.attempts rename to attempts_p_initial;
alter table dispatch.attempts_p_initial rename constraint attempts_pkey to attempts_p_initial_pkey;

create table dispatch.attempts (like dispatch.attempts_p_initial including defaults including constraints)
    partition by range (run_id);
alter table dispatch.attempts add primary key (run_id, number);
create table dispatch.attempts_default partition of dispatch.attempts default;

do $$
declare
    -- The first id of tomorrow (UTC): its milliseconds as 12 hex digits, then zeros.
    hex   text := lpad(to_hex((extract(epoch from date_trunc('day', now() at time zone 'UTC') + interval '1 day')
                  * 1000)::bigint), 12, '0');
    bound uuid := (substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-0000-0000-000000000000')::uuid;
begin
    with moved as (delete from dispatch.runs_p_initial where run_id >= bound returning *)
    insert into dispatch.runs_default select * from moved;
    execute format('alter table dispatch.runs attach partition dispatch.runs_p_initial '
                   'for values from (minvalue) to (%L)', bound);
    with moved as (delete from dispatch.attempts_p_initial where run_id >= bound returning *)
    insert into dispatch.attempts_default select * from moved;
    execute format('alter table dispatch.attempts attach partition dispatch.attempts_p_initial '
                   'for values from (minvalue) to (%L)', bound);
end
$$;
