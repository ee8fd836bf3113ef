import { get, type Page } from '../api';
import { href } from '../router';
import type { Circuit, DecisionStats, Run, RunSeries, RunStats, Usage } from '../types';
import { Bars, ErrorNote, Loading, Meter, TimeSeries, useAsync } from '../ui';
import { useState } from 'react';

const WINDOWS: Record<string, number> = { PT1H: 3600e3, PT24H: 86400e3, P7D: 7 * 86400e3 };
/** Columns per window: a minute each over an hour, half an hour over a day, two hours over a week. */
const BUCKETS: Record<string, number> = { PT1H: 60, PT24H: 48, P7D: 84 };
const WINDOW_LABELS: Record<string, string> = { PT1H: 'Last hour', PT24H: 'Last 24 hours', P7D: 'Last 7 days' };

export function Overview() {
  const [window, setWindow] = useState('PT24H');
  const data = useAsync(async (signal) => {
    const from = new Date(Date.now() - WINDOWS[window]).toISOString();
    const [decisions, runs, series, dlq, circuits, budgets] = await Promise.all([
      get<DecisionStats>('governance', '/api/v1/stats', { window }, signal),
      get<RunStats>('dispatcher', '/api/v1/runs/stats', { from }, signal),
      get<RunSeries>('dispatcher', '/api/v1/runs/series', { from, buckets: BUCKETS[window] }, signal),
      get<Page<Run>>('dispatcher', '/api/v1/runs', { status: 'dead_lettered', limit: 100 }, signal),
      get<Page<Circuit>>('governance', '/api/v1/circuits', {}, signal),
      get<Page<Usage>>('governance', '/api/v1/budgets', {}, signal),
    ]);
    return { decisions, runs, series, dlq, circuits, budgets };
  }, [window]);
  const d = data.data;
  const nearLimit = (d?.budgets.items ?? [])
    .flatMap((u) => u.buckets.map((b) => ({ u, b, share: u.limit > 0 ? Number(b.used) / Number(u.limit) : 0 })))
    .sort((a, b) => b.share - a.share)
    .slice(0, 6);
  const openCircuits = (d?.circuits.items ?? []).filter((c) => c.state !== 'closed');
  return (
    <section>
      <div className="heading">
        <h1>Overview</h1>
        <label className="inline">
          <span>Window</span>
          <select value={window} onChange={(e) => setWindow(e.target.value)}>
            {Object.keys(WINDOWS).map((w) => (
              <option key={w} value={w}>
                {WINDOW_LABELS[w]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={data.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={data.error} />
      <Loading when={data.loading && !d} />
      {d && (
        <>
          <div className="cards">
            <Card label="Events decided" value={d.decisions.total} />
            <Card label="Approved" value={d.decisions.approved} tone="good" />
            <Card label="Rejected" value={d.decisions.rejected} tone={d.decisions.rejected ? 'warn' : undefined} />
            <Card label="Runs finished" value={d.runs.runs} />
            <Card label="Success rate" value={d.runs.successRate == null ? '—' : `${(d.runs.successRate * 100).toFixed(1)}%`} />
            <Card label="Run p95" value={d.runs.p95DurationMs == null ? '—' : `${Math.round(d.runs.p95DurationMs)} ms`} />
            <Card label="Decision p99" value={d.decisions.p99LatencyMs == null ? '—' : `${d.decisions.p99LatencyMs.toFixed(1)} ms`} />
            <Card label="Dead letters" value={d.dlq.nextCursor ? '100+' : d.dlq.items.length} tone={d.dlq.items.length ? 'bad' : undefined}
              link={href('/dead-letters')} />
            <Card label="Open circuits" value={openCircuits.length} tone={openCircuits.length ? 'bad' : undefined} link={href('/governance')} />
          </div>
          <TimeSeries title="Runs over time, by outcome, with the end-to-end p95"
            parts={[
              { label: 'succeeded', tone: 'good' },
              { label: 'failed', tone: 'bad' },
              { label: 'rejected', tone: 'warn' },
            ]}
            points={d.series.buckets.map((b) => ({
              start: b.start,
              values: [b.succeeded, b.failed, b.rejected],
              line: b.p95EndToEndMs,
            }))}
            lineLabel="p95 event → finished" lineUnit=" ms" />
          {d.series.truncated && (
            <p className="muted">This window holds more runs than one chart reads; the chart shows the newest 100,000.</p>
          )}
          <div className="grid2">
            <Bars title="Runs by outcome" data={[
              { label: 'succeeded', value: d.runs.succeeded, tone: 'good' },
              { label: 'failed', value: d.runs.failed, tone: 'bad' },
              { label: 'rejected', value: d.runs.rejected, tone: 'warn' },
              { label: 'duplicates', value: d.runs.duplicates },
            ]} />
            <Bars title="Rejections by reason" data={Object.entries(d.decisions.byReason ?? {})
              .sort((a, b) => b[1] - a[1])
              .map(([label, value]) => ({ label, value, tone: 'warn' }))} />
          </div>
          <h2>Budgets and quotas nearest their limits today</h2>
          {nearLimit.length === 0 ? (
            <p className="muted">No policy has a daily quota or budget in use.</p>
          ) : (
            nearLimit.map(({ u, b }) => (
              <Meter key={`${u.policyId}/${u.kind}/${b.bucket}`} label={`${u.policyName} · ${u.kind} · ${b.bucket}`}
                value={Number(b.used)} max={Number(u.limit)} />
            ))
          )}
        </>
      )}
    </section>
  );
}

function Card({ label, value, tone, link }: { label: string; value: number | string; tone?: string; link?: string }) {
  const body = (
    <>
      <span className="card-value">{value}</span>
      <span className="card-label">{label}</span>
    </>
  );
  return link ? (
    <a className={`card ${tone ?? ''}`} href={link}>
      {body}
    </a>
  ) : (
    <div className={`card ${tone ?? ''}`}>{body}</div>
  );
}
