import { get, type Page } from '../api';
import { href, navigate, useRoute } from '../router';
import { RUN_STATUSES, TRIGGER_TYPES, type Run } from '../types';
import { Badge, ErrorNote, Filters, Loading, Pager, Table, Time, useAsync, usePager, type FilterField } from '../ui';

export const RUN_FILTERS: FilterField[] = [
  { name: 'status', label: 'Status', options: RUN_STATUSES },
  { name: 'tenantId', label: 'Tenant' },
  { name: 'eventName', label: 'Event name' },
  { name: 'triggerType', label: 'Trigger type', options: TRIGGER_TYPES },
  { name: 'source', label: 'Source', placeholder: '/webhook/…' },
  { name: 'workflowId', label: 'Workflow' },
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'To', type: 'datetime-local' },
];

/** The filters of the URL as the runs API takes them (times as ISO-8601 instants). */
export function runQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of RUN_FILTERS) {
    const v = query.get(f.name);
    if (!v) continue;
    out[f.name] = f.type === 'datetime-local' ? new Date(v).toISOString() : v;
  }
  return out;
}

export function Runs() {
  const route = useRoute();
  const filters = runQuery(route.query);
  const key = JSON.stringify(filters);
  const pager = usePager(key);
  const runs = useAsync(
    (signal) => get<Page<Run>>('dispatcher', '/api/v1/runs', { ...filters, limit: 25, cursor: pager.cursor }, signal),
    [key, pager.cursor],
  );
  return (
    <section>
      <div className="heading">
        <h1>Runs</h1>
        <button type="button" className="secondary" onClick={runs.reload}>
          Refresh
        </button>
      </div>
      <Filters fields={RUN_FILTERS} values={route.query} onApply={(v) => navigate('/runs', v)} />
      <ErrorNote error={runs.error} />
      <Loading when={runs.loading && !runs.data} />
      {runs.data && (
        <>
          <RunTable runs={runs.data.items} />
          <Pager pager={pager} nextCursor={runs.data.nextCursor} />
        </>
      )}
    </section>
  );
}

export function RunTable({ runs, caption = 'Runs' }: { runs: Run[]; caption?: string }) {
  return (
    <Table caption={caption} rows={runs} rowKey={(r) => r.runId} empty="No run matches these filters."
      columns={[
        { header: 'Run', cell: (r) => <a href={href(`/runs/${r.runId}`)} className="mono">{r.runId}</a> },
        { header: 'Status', cell: (r) => <Badge value={r.status} /> },
        { header: 'Tenant', cell: (r) => r.tenantId },
        { header: 'Event', cell: (r) => r.eventName },
        { header: 'Trigger', cell: (r) => r.triggerType },
        { header: 'Workflow', cell: (r) => r.workflowId ?? '—' },
        { header: 'Queued', cell: (r) => <Time value={r.queuedAt ?? r.eventTime} /> },
        { header: 'Attempts', cell: (r) => r.attempts, className: 'num' },
        { header: 'Reason', cell: (r) => r.reason ?? '' },
      ]} />
  );
}
