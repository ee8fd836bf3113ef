-- API triggers a workflow deployment holds (config.workflowId names the workflow): changed only through it.
alter table api.triggers drop constraint triggers_managed_by_check;
alter table api.triggers add constraint triggers_managed_by_check
    check (managed_by in ('api', 'file', 'deployment'));
-- A deployment's trigger names are its workflow's; the index keeps the constraint's name so errors read as before.
alter table api.triggers drop constraint triggers_tenant_id_name_key;
create unique index triggers_tenant_id_name_key on api.triggers (tenant_id, name) where managed_by <> 'deployment';
create unique index triggers_workflow_name on api.triggers (tenant_id, (config->>'workflowId'), name)
    where managed_by = 'deployment';
