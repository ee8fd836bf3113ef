-- The deployed workflow a run belongs to (the event's workflowid extension); null for triggers outside a deployment.
alter table dispatch.runs add column workflow_id text;
-- A workflow's runs, newest first, without reading the tenant's other runs.
create index runs_workflow on dispatch.runs (tenant_id, workflow_id, run_id desc) where workflow_id is not null;
