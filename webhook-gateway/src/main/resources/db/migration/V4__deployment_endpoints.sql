-- Endpoints a workflow deployment holds (config.workflowId names the workflow): changed only through deployments.
alter table webhook.endpoints drop constraint endpoints_managed_by_check;
alter table webhook.endpoints add constraint endpoints_managed_by_check
    check (managed_by in ('api', 'file', 'deployment'));
-- A deployment's trigger names are its own: unique within the workflow, free to repeat another workflow's or an
-- endpoint of the REST API's. The index keeps its name so that errors still read as before.
alter table webhook.endpoints drop constraint endpoints_tenant_id_name_key;
create unique index endpoints_tenant_id_name_key on webhook.endpoints (tenant_id, name)
    where managed_by <> 'deployment';
create unique index endpoints_workflow_name on webhook.endpoints (tenant_id, (config->>'workflowId'), name)
    where managed_by = 'deployment';
