import { useEffect, useRef, useState } from 'react';
import { stream } from '../api';
import { href, navigate, useRoute } from '../router';
import { REJECTION_REASONS, VERDICTS, type Decision } from '../types';
import { Badge, ErrorNote, Filters, Table, Time, type FilterField } from '../ui';

const FIELDS: FilterField[] = [
  { name: 'tenantId', label: 'Tenant' },
  { name: 'eventName', label: 'Event name' },
  { name: 'workflowId', label: 'Workflow' },
  { name: 'verdict', label: 'Verdict', options: VERDICTS },
  { name: 'reason', label: 'Reason', options: REJECTION_REASONS },
];

/** How many decisions the page keeps; older ones fall off (the decisions list has them all). */
const KEEP = 200;

export function Decisions() {
  const route = useRoute();
  const query = Object.fromEntries(FIELDS.map((f) => [f.name, route.query.get(f.name) ?? undefined]));
  const key = JSON.stringify(query);
  const [shown, setShown] = useState<Decision[]>([]);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<Decision[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const [error, setError] = useState<unknown>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    const controller = new AbortController();
    let attempt = 0;
    setShown([]);
    setHeld([]);
    const open = async () => {
      while (!controller.signal.aborted) {
        setState(attempt === 0 ? 'connecting' : 'reconnecting');
        try {
          await stream<Decision>('governance', '/api/v1/decisions/stream', query, (d) => {
            if (pausedRef.current) setHeld((h) => [d, ...h].slice(0, KEEP));
            else setShown((s) => [d, ...s].slice(0, KEEP));
          }, controller.signal, () => {
            attempt = 0;
            setState('live');
            setError(null);
          });
        } catch (e) {
          if (controller.signal.aborted) return;
          setError(e);
        }
        // The server ends streams after a while; open the next at once, and back off only on failures.
        attempt++;
        await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** Math.min(attempt, 6))));
      }
    };
    open();
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const resume = () => {
    setShown((s) => [...held, ...s].slice(0, KEEP));
    setHeld([]);
    setPaused(false);
  };

  return (
    <section>
      <div className="heading">
        <h1>Live decisions</h1>
        <span className={`badge ${state === 'live' ? 'good' : 'warn'}`} role="status" aria-live="polite">
          {paused ? `paused · ${held.length} waiting` : state}
        </span>
        {paused ? (
          <button type="button" onClick={resume}>
            Resume
          </button>
        ) : (
          <button type="button" className="secondary" onClick={() => setPaused(true)}>
            Pause
          </button>
        )}
        <button type="button" className="secondary" onClick={() => setShown([])}>
          Clear
        </button>
      </div>
      <Filters fields={FIELDS} values={route.query} onApply={(v) => navigate('/decisions', v)} />
      <ErrorNote error={error} />
      <p className="muted">Every decision from now on, newest first (the last {KEEP} are kept on this page).</p>
      <Table caption="Live decisions" rows={shown} rowKey={(d) => d.runId} empty="Waiting for the next decision…"
        columns={[
          { header: 'Decided', cell: (d) => <Time value={d.decidedAt} /> },
          { header: 'Verdict', cell: (d) => <Badge value={d.verdict} /> },
          { header: 'Why', cell: (d) => (d.verdict === 'rejected' ? <strong>{d.reason}</strong> : 'allowed')
            },
          { header: 'Detail', cell: (d) => d.detail ?? '' },
          { header: 'Policy', cell: (d) => (d.policyId ? <a href={href(`/policies/${d.policyId}`)}>{d.policyName}</a> : d.policyName ?? '—') },
          { header: 'Tenant', cell: (d) => d.tenantId },
          { header: 'Event', cell: (d) => d.eventName },
          { header: 'Run', cell: (d) => <a className="mono" href={href(`/runs/${d.runId}`)}>{d.runId}</a> },
        ]} />
    </section>
  );
}
