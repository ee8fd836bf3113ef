-- Schedules a workflow deployment holds (config.workflowId names the workflow): changed only through deployments.
alter table cron.schedules drop constraint schedules_managed_by_check;
alter table cron.schedules add constraint schedules_managed_by_check
    check (managed_by in ('api', 'file', 'deployment'));
-- A deployment reads and replaces its workflow's schedules.
create index schedules_workflow on cron.schedules (tenant_id, (config->>'workflowId'))
    where managed_by = 'deployment';
