-- One execution of a run at a time: the execution that holds the lease (owner) may change the row; a redelivery
-- takes a run over only once the lease lapsed (its owner died or stalled past it). The path (agent or fallback) is
-- drawn once, when the run is first claimed, so a retry never calls the agent once and the fallback the next time.
alter table dispatch.runs
    add column owner        uuid,
    add column lease_until  timestamptz,
    add column planned_path text;
