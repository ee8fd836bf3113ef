-- The status index holds ended runs only. A run is inserted running and finished by its id; an index over every
-- status gave the planner a second way to the finish's rows (status in ('queued', 'running')), and with stale or
-- young statistics (a new day's partition) it took it: it reads every entry a run ever had while running, the dead
-- ones too, so each finish cost grew with the runs since the last vacuum. The finish, the take-over and the lease
-- renewal find runs by id; listing by status and the dead-letter count ask for ended statuses, which this index
-- still serves, and an insert of a running run no longer writes an entry to it.
drop index dispatch.runs_status;
create index runs_ended_status on dispatch.runs (status, run_id desc) where status not in ('queued', 'running');
