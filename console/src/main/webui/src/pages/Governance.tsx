import { useState } from 'react';
import { get, send, type Page } from '../api';
import { TRIGGER_TYPES, type Circuit, type Usage } from '../types';
import { Action, Badge, ErrorNote, Json, Loading, Meter, Notice, Table, Time, useAsync, useSession } from '../ui';
import { Resources } from './Resources';

export function Governance() {
  return (
    <section>
      <h1>Governance</h1>
      <Resources kind="policies" embedded />
      <DryRun />
      <Budgets />
      <Circuits />
    </section>
  );
}

/** Evaluates the policies against a sample event without consuming anything. */
function DryRun() {
  const [event, setEvent] = useState({ tenantId: '', triggerType: 'webhook', eventName: '', payload: '{}' });
  const [answer, setAnswer] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <form className="panel inline-form" aria-labelledby="dry-run" onSubmit={async (e) => {
      e.preventDefault();
      setError(null);
      try {
        setAnswer(await send('governance', 'POST', '/api/v1/evaluate', {
          tenantId: event.tenantId, triggerType: event.triggerType, eventName: event.eventName,
          payload: JSON.parse(event.payload || '{}'),
        }));
      } catch (err) {
        setAnswer(null);
        setError(err instanceof SyntaxError ? `The payload is not JSON: ${err.message}` : err);
      }
    }}>
      <h2 id="dry-run">Dry run</h2>
      <label>
        <span>Tenant</span>
        <input required value={event.tenantId} onChange={(e) => setEvent({ ...event, tenantId: e.target.value })} />
      </label>
      <label>
        <span>Trigger type</span>
        <select value={event.triggerType} onChange={(e) => setEvent({ ...event, triggerType: e.target.value })}>
          {TRIGGER_TYPES.map((t) => <option key={t}>{t}</option>)}
        </select>
      </label>
      <label>
        <span>Event name</span>
        <input required value={event.eventName} onChange={(e) => setEvent({ ...event, eventName: e.target.value })} />
      </label>
      <label className="wide">
        <span>Payload (JSON)</span>
        <textarea rows={3} value={event.payload} onChange={(e) => setEvent({ ...event, payload: e.target.value })} />
      </label>
      <button type="submit">Evaluate</button>
      <ErrorNote error={error} />
      {answer !== null && <Json value={answer} label="Would-be decision" />}
    </form>
  );
}

function Budgets() {
  const budgets = useAsync((signal) => get<Page<Usage>>('governance', '/api/v1/budgets', {}, signal), []);
  return (
    <div className="panel">
      <h2>Quotas and budgets today</h2>
      <ErrorNote error={budgets.error} />
      <Loading when={budgets.loading && !budgets.data} />
      {budgets.data?.items.length === 0 && <p className="muted">No policy has a daily quota or budget.</p>}
      {budgets.data?.items.map((u) =>
        u.buckets.length === 0 ? (
          <Meter key={`${u.policyId}/${u.kind}`} label={`${u.policyName} · ${u.kind}`} value={0} max={Number(u.limit)} />
        ) : (
          u.buckets.map((b) => (
            <Meter key={`${u.policyId}/${u.kind}/${b.bucket}`} label={`${u.policyName} · ${u.kind} · ${b.bucket}`}
              value={Number(b.used)} max={Number(u.limit)} />
          ))
        ),
      )}
    </div>
  );
}

function Circuits() {
  const session = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const circuits = useAsync((signal) => get<Page<Circuit>>('governance', '/api/v1/circuits', {}, signal), []);
  return (
    <div className="panel">
      <h2>Circuit breakers</h2>
      <Notice message={notice} />
      <ErrorNote error={error ?? circuits.error} />
      <Table caption="Circuit breakers" rows={circuits.data?.items ?? []} rowKey={(c) => c.key} empty="No breaker has seen an outcome."
        columns={[
          { header: 'Breaker', cell: (c) => <span className="mono">{c.key}</span> },
          { header: 'State', cell: (c) => <Badge value={c.state} /> },
          { header: 'Since', cell: (c) => <Time value={c.since} /> },
          { header: 'Open until', cell: (c) => <Time value={c.openUntil} /> },
          { header: 'Times opened', cell: (c) => c.opened, className: 'num' },
          { header: '', cell: (c) => c.state !== 'closed' && (
            <Action allowed={session.canWrite} label={`Reset ${c.key}`} onClick={async () => {
              setError(null);
              try {
                await send('governance', 'POST', `/api/v1/circuits/${c.key.split('/').map(encodeURIComponent).join('/')}/reset`);
                setNotice(`Closed ${c.key}.`);
                circuits.reload();
              } catch (e) {
                setError(e);
              }
            }}>
              Reset
            </Action>
          ) },
        ]} />
    </div>
  );
}
