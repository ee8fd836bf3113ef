-- Retention: accepted-run records are range-partitioned by run id, one partition per UTC day. Run ids are UUIDv7,
-- whose first 48 bits are the time in milliseconds, so one day's records are one contiguous range and the primary
-- key stays (run_id) alone. The housekeeping (PartitionRetention) creates each day's partition ahead and drops a
-- partition whole once all its records are past the retention, so the accepted_at index of the row-by-row purge it
-- replaces is gone.
--
-- The existing table becomes the first partition, holding everything up to the end of today (UTC); a row with an id
-- past that (a future or non-v7 id) moves to the default partition, which catches ids of no partition.

drop index api.accepted_runs_accepted_at;
alter table api.accepted_runs rename to accepted_runs_p_initial;
alter table api.accepted_runs_p_initial rename constraint accepted_runs_pkey to accepted_runs_p_initial_pkey;

create table api.accepted_runs (like api.accepted_runs_p_initial including defaults including constraints)
    partition by range (run_id);
alter table api.accepted_runs add primary key (run_id);
create table api.accepted_runs_default partition of api.accepted_runs default;

do $$
declare
    -- The first id of tomorrow (UTC): its milliseconds as 12 hex digits, then zeros.
    hex   text := lpad(to_hex((extract(epoch from date_trunc('day', now() at time zone 'UTC') + interval '1 day')
                  * 1000)::bigint), 12, '0');
    bound uuid := (substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-0000-0000-000000000000')::uuid;
begin
    with moved as (delete from api.accepted_runs_p_initial where run_id >= bound returning *)
    insert into api.accepted_runs_default select * from moved;
    execute format('alter table api.accepted_runs attach partition api.accepted_runs_p_initial '
                   'for values from (minvalue) to (%L)', bound);
end
$$;
