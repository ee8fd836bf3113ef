import { useState } from 'react';
import { get, send, type Page } from '../api';
import { href } from '../router';
import type { Run, Schedule, Version } from '../types';
import { Action, Badge, ErrorNote, Field, Json, Loading, Notice, Table, Time, useAction, useAsync, useSession } from '../ui';
import { RunTable } from './Runs';

interface Evaluation {
  verdict: string;
  reason?: string;
  policyName?: string;
  detail?: string;
  retryAfter?: string;
}

/** ISO-8601 durations as the services write them (PT1M30S, PT0.5S, P1D). */
function seconds(duration: string | undefined): number {
  if (!duration) return 0;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(duration);
  if (!m) return 0;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

export function ScheduleDetail({ id }: { id: string }) {
  const session = useSession();
  const action = useAction();
  const [note, setNote] = useState('');
  const [backfill, setBackfill] = useState({ from: '', to: '' });
  const data = useAsync(async (signal) => {
    const schedule = await get<Schedule>('cron', `/api/v1/schedules/${encodeURIComponent(id)}`, {}, signal);
    const [described, forecast, history, versions] = await Promise.all([
      send<{ description?: string }>('cron', 'POST', '/api/v1/cron/validate', {
        expression: schedule.expression, timezone: schedule.timezone, count: 1,
      }).catch(() => null),
      send<Evaluation>('governance', 'POST', '/api/v1/evaluate', {
        tenantId: schedule.tenantId, triggerType: 'cron', eventName: schedule.eventName, source: `/cron/${schedule.id}`,
        payload: schedule.payload ?? {}, workflowId: schedule.workflowId,
      }).catch((e) => ({ error: e })),
      get<Page<Run>>('cron', `/api/v1/schedules/${encodeURIComponent(id)}/history`, { limit: 10 }, signal).catch(() => null),
      get<Page<Version<Schedule>>>('cron', `/api/v1/schedules/${encodeURIComponent(id)}/versions`, { limit: 10 }, signal),
    ]);
    return { schedule, described, forecast, history, versions };
  }, [id]);
  const s = data.data?.schedule;
  const editable = session.canWrite && s?.managedBy === 'api';

  const act = (what: string, method: string, path: string, body?: unknown) => action.run(async () => {
    await send('cron', method, `/api/v1/schedules/${encodeURIComponent(id)}${path}`, body);
    data.reload();
    return what;
  });

  return (
    <section>
      <p>
        <a href={href('/schedules')}>← Schedules</a>
      </p>
      <div className="heading">
        <h1>{s ? (s.name as string | undefined) ?? s.eventName : 'Schedule'}</h1>
        {s && <Badge value={s.state} />}
        {s && s.state !== 'paused' && (
          <Action allowed={session.canWrite} onClick={() => act('Paused.', 'POST', '/pause', note ? { note } : undefined)}>
            Pause
          </Action>
        )}
        {s?.state === 'paused' && (
          <Action allowed={session.canWrite} onClick={() => act('Resumed.', 'POST', '/resume')}>
            Resume
          </Action>
        )}
        <Action allowed={session.canWrite} onClick={() => act('Fired: one extra run is on its way.', 'POST', '/trigger')}>
          Trigger now
        </Action>
      </div>
      <Notice message={action.notice} />
      <ErrorNote error={action.error} />
      <ErrorNote error={data.error} />
      <Loading when={data.loading && !s} />
      {s && data.data && (
        <>
          {session.canWrite && s.state !== 'paused' && (
            <label className="inline">
              <span>Pause note</span>
              <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="Why (shown until resume)" />
            </label>
          )}
          {s.pauseNote && (
            <p className="notice">
              Paused: <em>{s.pauseNote}</em>
            </p>
          )}
          <div className="grid2">
            <div className="panel">
              <h2>When</h2>
              <dl>
                <Field label="Expression">
                  <code>{s.expression}</code>
                </Field>
                <Field label="Means">{data.data.described?.description ?? '—'}</Field>
                <Field label="Time zone">{s.timezone ?? 'UTC'}</Field>
                <Field label="Tenant">{s.tenantId}</Field>
                <Field label="Event">{s.eventName}</Field>
                <Field label="Owner">{s.workflowId ? <a href={href(`/r/deployments/${s.workflowId}`, { tenantId: s.tenantId })}>workflow {s.workflowId}</a> : s.managedBy}</Field>
                <Field label="Version">{s.version}</Field>
                <Field label="Last fire"><Time value={s.lastFireAt} /></Field>
                <Field label="Last run">
                  {s.lastRunId ? <a href={href(`/runs/${s.lastRunId}`)}><Badge value={s.lastRunStatus} /></a> : '—'}
                </Field>
              </dl>
            </div>
            <div className="panel">
              <h2>Next fires and the governance forecast</h2>
              <Forecast schedule={s} forecast={data.data.forecast} />
              <ol className="plain">
                {(s.nextFireTimes ?? []).map((t) => (
                  <li key={t}>
                    <Time value={t} /> <span className="muted">({t})</span>
                  </li>
                ))}
              </ol>
              {(s.nextFireTimes ?? []).length === 0 && <p className="muted">Nothing is due ({s.state}).</p>}
            </div>
          </div>
          <div className="panel">
            <h2>Recent runs</h2>
            {s.recentRuns && (
              <p>
                {s.recentRuns.runs ?? 0} recent run(s), success rate{' '}
                {s.recentRuns.successRate == null ? '—' : `${(s.recentRuns.successRate * 100).toFixed(0)}%`}, mean{' '}
                {s.recentRuns.meanDurationMs == null ? '—' : `${Math.round(s.recentRuns.meanDurationMs)} ms`}.
              </p>
            )}
            <RunTable runs={data.data.history?.items ?? []} caption="Recent runs of the schedule" />
          </div>
          {session.canWrite && (
            <form className="panel inline-form" onSubmit={(e) => {
              e.preventDefault();
              act('Backfill sent: each past fire time runs once.', 'POST', '/backfill', {
                from: new Date(backfill.from).toISOString(), to: new Date(backfill.to).toISOString(),
              });
            }}>
              <h2>Backfill</h2>
              <label>
                <span>From</span>
                <input type="datetime-local" required value={backfill.from} onChange={(e) => setBackfill({ ...backfill, from: e.target.value })} />
              </label>
              <label>
                <span>To</span>
                <input type="datetime-local" required value={backfill.to} onChange={(e) => setBackfill({ ...backfill, to: e.target.value })} />
              </label>
              <button type="submit">Backfill</button>
            </form>
          )}
          <div className="panel">
            <h2>Versions</h2>
            <Table caption="Versions" rows={data.data.versions.items} rowKey={(v) => String(v.version)}
              columns={[
                { header: 'Version', cell: (v) => v.version, className: 'num' },
                { header: 'Change', cell: (v) => v.change },
                { header: 'When', cell: (v) => <Time value={v.changedAt} /> },
                { header: 'Expression', cell: (v) => <code>{v.config.expression}</code> },
                { header: '', cell: (v) => v.version !== s.version && (
                  <Action allowed={editable} onClick={() => act(`Rolled back to version ${v.version}.`, 'POST', `/versions/${v.version}/rollback`)}
                    label={`Roll back to version ${v.version}`}>
                    Roll back
                  </Action>
                ) },
              ]} />
            <details>
              <summary>Registration as JSON</summary>
              <Json value={s} label="Schedule" />
            </details>
          </div>
        </>
      )}
    </section>
  );
}

function Forecast({ schedule, forecast }: { schedule: Schedule; forecast: Evaluation | { error: unknown } }) {
  if ('error' in forecast) return <ErrorNote error={forecast.error} />;
  const next = schedule.nextFireTimes?.[0] ? new Date(schedule.nextFireTimes[0]).getTime() : null;
  if (forecast.verdict === 'approved') {
    return (
      <p className="forecast good-text">
        Governance would let it run ({forecast.policyName ? `policy ${forecast.policyName}` : 'no policy limits it'}).
      </p>
    );
  }
  const clears = forecast.retryAfter ? Date.now() + seconds(forecast.retryAfter) * 1000 : null;
  const passes = next !== null && clears !== null && clears <= next;
  return (
    <p className={`forecast ${passes ? 'warn-text' : 'bad-text'}`}>
      Right now governance would refuse it: <strong>{forecast.reason}</strong>
      {forecast.detail ? ` (${forecast.detail})` : ''}.{' '}
      {clears !== null && (passes ? 'The limit lifts before the next fire, so that one should run.'
        : `The limit lifts at ${new Date(clears).toLocaleString()}, after the next fire.`)}
    </p>
  );
}
