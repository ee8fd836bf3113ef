import { useState } from 'react';
import { get, send, type Page } from '../api';
import { href, navigate, useRoute } from '../router';
import type { Run } from '../types';
import { Action, ErrorNote, Filters, Loading, Notice, Pager, Table, Time, useAsync, usePager, useSession } from '../ui';
import { RUN_FILTERS, runQuery } from './Runs';

/** A bulk replay reads at most this many dead letters; a larger backlog is replayed in several passes. */
const BULK_MAX = 1000;
/** The dispatcher's replay takes at most 100 run ids per call. */
const BATCH = 100;

interface ReplayResult {
  replayed: string[];
  skipped: { runId: string; reason: string }[];
}

const FIELDS = RUN_FILTERS.filter((f) => f.name !== 'status');

export function DeadLetters() {
  const session = useSession();
  const route = useRoute();
  const filters = { ...runQuery(route.query), status: 'dead_lettered' };
  const key = JSON.stringify(filters);
  const pager = usePager(key);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<{ ids: string[]; more: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const runs = useAsync(
    (signal) => get<Page<Run>>('dispatcher', '/api/v1/runs', { ...filters, limit: 25, cursor: pager.cursor }, signal),
    [key, pager.cursor],
  );

  const replay = async (ids: string[]) => {
    setBusy(true);
    setError(null);
    const total: ReplayResult = { replayed: [], skipped: [] };
    try {
      for (let i = 0; i < ids.length; i += BATCH) {
        const r = await send<ReplayResult>('dispatcher', 'POST', '/api/v1/dlq/replay', { runIds: ids.slice(i, i + BATCH) });
        total.replayed.push(...r.replayed);
        total.skipped.push(...r.skipped);
      }
      setNotice(`Replayed ${total.replayed.length} run(s)` + (total.skipped.length
        ? `; skipped ${total.skipped.length}: ${[...new Set(total.skipped.map((s) => s.reason))].join('; ')}` : '.'));
      setSelected(new Set());
      setPreview(null);
      runs.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  /** Reads every matching dead letter (up to BULK_MAX) so the user sees how many a bulk replay will touch. */
  const previewAll = async () => {
    setBusy(true);
    setError(null);
    try {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await get<Page<Run>>('dispatcher', '/api/v1/runs', { ...filters, limit: 100, cursor });
        ids.push(...page.items.map((r) => r.runId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && ids.length < BULK_MAX);
      setPreview({ ids: ids.slice(0, BULK_MAX), more: Boolean(cursor) || ids.length > BULK_MAX });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section>
      <div className="heading">
        <h1>Dead letters</h1>
        <Action allowed={session.canWrite} disabled={busy || selected.size === 0} onClick={() => replay([...selected])}>
          Replay selected ({selected.size})
        </Action>
        <Action allowed={session.canWrite} disabled={busy} onClick={previewAll}>
          Replay all matching…
        </Action>
      </div>
      <p className="muted">
        Runs that exhausted their attempts. A replay re-drives a run under its own id; it runs at most once more
        however often it is asked.
      </p>
      <Filters fields={FIELDS} values={route.query} onApply={(v) => navigate('/dead-letters', v)} />
      {preview && (
        <div className="confirm" role="alertdialog" aria-labelledby="preview-title">
          <p id="preview-title">
            <strong>{preview.ids.length}</strong> dead-lettered run(s) match these filters
            {preview.more ? ` (the first ${BULK_MAX}; replay again for the rest)` : ''}. Replay them?
          </p>
          <button type="button" className="danger" disabled={busy || preview.ids.length === 0} onClick={() => replay(preview.ids)}>
            Replay {preview.ids.length}
          </button>
          <button type="button" className="secondary" onClick={() => setPreview(null)}>
            Cancel
          </button>
        </div>
      )}
      <Notice message={notice} />
      <ErrorNote error={error} />
      <ErrorNote error={runs.error} />
      <Loading when={runs.loading && !runs.data} />
      {runs.data && (
        <>
          <Table caption="Dead-lettered runs" rows={runs.data.items} rowKey={(r) => r.runId} empty="No dead letters. Good."
            columns={[
              ...(session.canWrite ? [{
                header: 'Select',
                cell: (r: Run) => (
                  <input type="checkbox" aria-label={`Select ${r.runId}`} checked={selected.has(r.runId)} onChange={() => toggle(r.runId)} />
                ),
              }] : []),
              { header: 'Run', cell: (r) => <a className="mono" href={href(`/runs/${r.runId}`)}>{r.runId}</a> },
              { header: 'Tenant', cell: (r) => r.tenantId },
              { header: 'Event', cell: (r) => r.eventName },
              { header: 'Trigger', cell: (r) => r.triggerType },
              { header: 'Attempts', cell: (r) => r.attempts, className: 'num' },
              { header: 'Error', cell: (r) => r.error ?? '' },
              { header: 'Finished', cell: (r) => <Time value={r.finishedAt} /> },
            ]} />
          <Pager pager={pager} nextCursor={runs.data.nextCursor} />
        </>
      )}
    </section>
  );
}
