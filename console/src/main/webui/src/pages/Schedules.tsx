import { get, type Page } from '../api';
import { href, navigate, useRoute } from '../router';
import type { Schedule } from '../types';
import { Badge, ErrorNote, Filters, Loading, Pager, Table, Time, useAsync, usePager, type FilterField } from '../ui';

const FIELDS: FilterField[] = [
  { name: 'tenantId', label: 'Tenant' },
  { name: 'eventName', label: 'Event name' },
  { name: 'paused', label: 'Paused', options: ['true', 'false'] },
  { name: 'enabled', label: 'Enabled', options: ['true', 'false'] },
];

export function Schedules() {
  const route = useRoute();
  const query = Object.fromEntries(FIELDS.map((f) => [f.name, route.query.get(f.name) ?? undefined]));
  const key = JSON.stringify(query);
  const pager = usePager(key);
  const list = useAsync(
    (signal) => get<Page<Schedule>>('cron', '/api/v1/schedules', { ...query, limit: 25, cursor: pager.cursor }, signal),
    [key, pager.cursor],
  );
  return (
    <section>
      <div className="heading">
        <h1>Schedules</h1>
        <button type="button" className="secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <Filters fields={FIELDS} values={route.query} onApply={(v) => navigate('/schedules', v)} />
      <ErrorNote error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && (
        <>
          <Table caption="Schedules" rows={list.data.items} rowKey={(s) => s.id}
            columns={[
              { header: 'Schedule', cell: (s) => <a href={href(`/schedules/${s.id}`)}>{String(s.name ?? s.eventName)}</a> },
              { header: 'State', cell: (s) => <Badge value={s.state} /> },
              { header: 'Tenant', cell: (s) => s.tenantId },
              { header: 'Event', cell: (s) => s.eventName },
              { header: 'Expression', cell: (s) => <code>{s.expression}</code> },
              { header: 'Time zone', cell: (s) => s.timezone ?? 'UTC' },
              { header: 'Next fire', cell: (s) => <Time value={s.nextFireAt} /> },
              { header: 'Last run', cell: (s) => <Badge value={s.lastRunStatus} /> },
              { header: 'Owner', cell: (s) => (s.workflowId ? `workflow ${s.workflowId}` : s.managedBy) },
            ]} />
          <Pager pager={pager} nextCursor={list.data.nextCursor} />
        </>
      )}
    </section>
  );
}
