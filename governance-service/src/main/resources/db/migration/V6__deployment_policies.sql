-- Policies a workflow deployment holds (its governance block, named workflow-{workflowId}): changed only through it.
alter table governance.policies drop constraint policies_managed_by_check;
alter table governance.policies add constraint policies_managed_by_check
    check (managed_by in ('api', 'file', 'deployment'));
