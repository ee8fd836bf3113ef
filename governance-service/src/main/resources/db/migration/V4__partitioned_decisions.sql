-- Retention: decisions are range-partitioned by run id, one partition per UTC day. Run ids are UUIDv7, whose first
-- 48 bits are the time in milliseconds, so one day's decisions are one contiguous range and the primary key stays
-- (run_id) alone. The housekeeping (PartitionRetention) creates each day's partition ahead and drops a partition
-- whole once all its decisions are past the retention: no row deletes, no bloat.
--
-- The existing table becomes the first partition, holding everything up to the end of today (UTC); a row with an id
-- past that (a future or non-v7 id) moves to the default partition, which catches ids of no partition.

alter table governance.decisions rename to decisions_p_initial;
alter table governance.decisions_p_initial rename constraint decisions_pkey to decisions_p_initial_pkey;
alter index governance.decisions_tenant_time rename to decisions_p_initial_tenant_time;
alter index governance.decisions_verdict rename to decisions_p_initial_verdict;
alter index governance.decisions_time rename to decisions_p_initial_time;
alter index governance.decisions_event_name rename to decisions_p_initial_event_name;

create table governance.decisions (like governance.decisions_p_initial including defaults including constraints)
    partition by range (run_id);
alter table governance.decisions add primary key (run_id);
create index decisions_tenant_time on governance.decisions (tenant_id, run_id desc);
create index decisions_verdict on governance.decisions (verdict, run_id desc);
create index decisions_time on governance.decisions (decided_at);
create index decisions_event_name on governance.decisions (tenant_id, event_name, run_id desc);
create table governance.decisions_default partition of governance.decisions default;

do $$
declare
    -- The first id of tomorrow (UTC): its milliseconds as 12 hex digits, then zeros.
    hex   text := lpad(to_hex((extract(epoch from date_trunc('day', now() at time zone 'UTC') + interval '1 day')
                  * 1000)::bigint), 12, '0');
    bound uuid := (substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-0000-0000-000000000000')::uuid;
begin
    with moved as (delete from governance.decisions_p_initial where run_id >= bound returning *)
    insert into governance.decisions_default select * from moved;
    execute format('alter table governance.decisions attach partition governance.decisions_p_initial '
                   'for values from (minvalue) to (%L)', bound);
end
$$;
