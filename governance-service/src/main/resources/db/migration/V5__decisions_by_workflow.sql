-- The deployed workflow a decision's event belongs to (its workflowid extension); null outside a deployment.
alter table governance.decisions add column workflow_id text;
create index decisions_workflow on governance.decisions (tenant_id, workflow_id, run_id desc)
    where workflow_id is not null;
