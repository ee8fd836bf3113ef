-- GET /api/v1/decisions?verdict=... (and ?reason=..., which only rejections have) across tenants: rejections are
-- the few among many approvals, so walking the primary key for them would read most of the table.
create index decisions_verdict on governance.decisions (verdict, run_id desc);
