-- Retention: the event log is range-partitioned by id, one partition per UTC day. Ids are UUIDv7, whose first 48
-- bits are the time in milliseconds, so one day's requests are one contiguous range and the primary key stays (id)
-- alone. The housekeeping (PartitionRetention) creates each day's partition ahead and drops a partition whole once
-- all its requests are past the retention, where the row-by-row sweep it replaces left the table bloated.
--
-- The existing table becomes the first partition, holding everything up to the end of today (UTC); a row with an id
-- past that (a future or non-v7 id) moves to the default partition, which catches ids of no partition.

alter table webhook.events rename to events_p_initial;
alter table webhook.events_p_initial rename constraint events_pkey to events_p_initial_pkey;
alter index webhook.events_endpoint rename to events_p_initial_endpoint;
alter index webhook.events_received rename to events_p_initial_received;

create table webhook.events (like webhook.events_p_initial including defaults including constraints)
    partition by range (id);
alter table webhook.events add primary key (id);
create index events_endpoint on webhook.events (endpoint_id, id desc);
create index events_received on webhook.events (received_at);
create table webhook.events_default partition of webhook.events default;

do $$
declare
    -- The first id of tomorrow (UTC): its milliseconds as 12 hex digits, then zeros.
    hex   text := lpad(to_hex((extract(epoch from date_trunc('day', now() at time zone 'UTC') + interval '1 day')
                  * 1000)::bigint), 12, '0');
    bound uuid := (substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-0000-0000-000000000000')::uuid;
begin
    with moved as (delete from webhook.events_p_initial where id >= bound returning *)
    insert into webhook.events_default select * from moved;
    execute format('alter table webhook.events attach partition webhook.events_p_initial '
                   'for values from (minvalue) to (%L)', bound);
end
$$;
