-- Manual triggers a workflow deployment holds (config.workflowId names the workflow): changed only through it.
alter table api.manual_triggers add column managed_by text not null default 'api'
    check (managed_by in ('api', 'deployment'));
create index manual_triggers_workflow on api.manual_triggers (tenant_id, (config->>'workflowId'))
    where managed_by = 'deployment';
