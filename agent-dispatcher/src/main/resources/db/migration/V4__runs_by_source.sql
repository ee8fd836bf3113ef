-- Runs listed by source (a schedule's history is its source, /cron/{id}) without a tenant: without this index the
-- newest-first scan read the whole ledger to find one source's runs.
create index runs_source on dispatch.runs (source, run_id desc);
