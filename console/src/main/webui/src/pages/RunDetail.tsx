import { ApiError, get, send } from '../api';
import { href } from '../router';
import type { Attempt, Decision, Run } from '../types';
import { Action, Badge, ErrorNote, Field, Json, Loading, Notice, Time, useAction, useAsync, useSession } from '../ui';

export function RunDetail({ runId }: { runId: string }) {
  const session = useSession();
  const action = useAction();
  const data = useAsync(async (signal) => {
    const [run, decision] = await Promise.all([
      get<Run>('dispatcher', `/api/v1/runs/${encodeURIComponent(runId)}`, {}, signal),
      get<Decision>('governance', `/api/v1/decisions/${encodeURIComponent(runId)}`, {}, signal).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ]);
    return { run, decision };
  }, [runId]);
  const run = data.data?.run;
  const decision = data.data?.decision;
  const replay = () => action.run(async () => {
    const result = await send<{ replayed: string[]; skipped: { runId: string; reason: string }[] }>(
      'dispatcher', 'POST', '/api/v1/dlq/replay', { runIds: [runId] });
    data.reload();
    return result.replayed.length ? 'Replayed: the run is queued again under the same id.'
      : `Not replayed: ${result.skipped.map((s) => s.reason).join('; ')}`;
  });
  return (
    <section>
      <p>
        <a href={href('/runs')}>← Runs</a>
      </p>
      <div className="heading">
        <h1>
          Run <span className="mono">{runId}</span>
        </h1>
        {run && <Badge value={run.status} />}
        <Action allowed={session.canWrite && run?.status === 'dead_lettered'} onClick={replay}>
          Replay
        </Action>
        <button type="button" className="secondary" onClick={data.reload}>
          Refresh
        </button>
      </div>
      <Notice message={action.notice} />
      <ErrorNote error={action.error} />
      <ErrorNote error={data.error} />
      <Loading when={data.loading && !run} />
      {run && (
        <>
          <div className="grid2">
            <div className="panel">
              <h2>Event</h2>
              <dl>
                <Field label="Tenant">{run.tenantId}</Field>
                <Field label="Event name">{run.eventName}</Field>
                <Field label="Trigger">{run.triggerType}</Field>
                <Field label="Source">
                  {run.source?.startsWith('/webhook/') ? (
                    <a href={href(`/r/endpoints/${run.source.split('/')[2]}`)}>{run.source}</a>
                  ) : (
                    run.source
                  )}
                </Field>
                <Field label="Workflow">{run.workflowId ?? '—'}</Field>
                <Field label="Dedup key">
                  <span className="mono">{run.dedupKey ?? '—'}</span>
                </Field>
                <Field label="Event time">
                  <Time value={run.eventTime} />
                </Field>
                <Field label="Trace id">
                  <span className="mono">{run.traceparent?.split('-')[1] ?? '—'}</span>
                </Field>
                {run.originalRunId && (
                  <Field label="Replay of">
                    <a href={href(`/runs/${run.originalRunId}`)}>{run.originalRunId}</a>
                  </Field>
                )}
              </dl>
            </div>
            <div className="panel">
              <h2>Decision</h2>
              {decision ? (
                <dl>
                  <Field label="Verdict">
                    <Badge value={decision.verdict} />
                  </Field>
                  <Field label="Reason">{decision.reason ?? '—'}</Field>
                  <Field label="Policy">
                    {decision.policyId ? (
                      <a href={href(`/policies/${decision.policyId}`)}>
                        {decision.policyName} (v{decision.policyVersion})
                      </a>
                    ) : (
                      decision.policyName ?? 'no policy matched'
                    )}
                  </Field>
                  <Field label="Detail">{decision.detail ?? '—'}</Field>
                  <Field label="Retry after">{decision.retryAfter ?? '—'}</Field>
                  <Field label="Decided">
                    <Time value={decision.decidedAt} />
                  </Field>
                </dl>
              ) : (
                <p className="muted">No decision is recorded for this run.</p>
              )}
            </div>
          </div>
          <div className="panel">
            <h2>Outcome</h2>
            <dl className="row">
              <Field label="Queued"><Time value={run.queuedAt} /></Field>
              <Field label="Started"><Time value={run.startedAt} /></Field>
              <Field label="Finished"><Time value={run.finishedAt} /></Field>
              <Field label="Mode">{run.decisionMode ?? '—'}</Field>
              <Field label="Cost">{run.costUsd == null ? '—' : `$${Number(run.costUsd).toFixed(4)}`}</Field>
              <Field label="LLM calls">{run.llmCalls}</Field>
              <Field label="Agent run">{run.agentRunId ?? '—'}</Field>
            </dl>
            {run.error && <p className="error">{run.error}</p>}
            <h3>Attempts</h3>
            <Timeline attempts={run.attemptLog ?? []} />
            <h3>Result</h3>
            <Json value={run.result} label="Result" />
          </div>
        </>
      )}
    </section>
  );
}

/** Each attempt as a bar on one time axis, so retries, backoff and the fallback can be seen. */
function Timeline({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p className="muted">No call was made.</p>;
  const starts = attempts.map((a) => new Date(a.startedAt).getTime());
  const t0 = Math.min(...starts);
  const end = Math.max(...attempts.map((a, i) => starts[i] + a.durationMs));
  const span = Math.max(1, end - t0);
  return (
    <ol className="timeline" aria-label="Attempts on a timeline">
      {attempts.map((a, i) => (
        <li key={a.number}>
          <span className="tl-label">
            #{a.number} {a.path} · {a.statusCode ?? a.errorClass ?? '—'} · {a.durationMs} ms
          </span>
          <span className="tl-track" aria-hidden="true">
            <span className={`tl-bar ${a.statusCode && a.statusCode < 300 ? 'good' : 'bad'}`}
              style={{ left: `${((starts[i] - t0) / span) * 100}%`, width: `${Math.max(1, (a.durationMs / span) * 100)}%` }} />
          </span>
          {a.error && <span className="tl-error">{a.error}</span>}
        </li>
      ))}
    </ol>
  );
}
