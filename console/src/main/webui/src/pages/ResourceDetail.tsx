import { useState } from 'react';
import { call, get, send, type Page } from '../api';
import { href, navigate, useRoute } from '../router';
import { kindOf, type ResourceKind, type Row } from '../resources';
import type { Version } from '../types';
import { Action, Badge, ErrorNote, Json, Loading, Notice, Table, Time, useAction, useAsync, useSession } from '../ui';
import { JsonEditor, SecretOnce } from './JsonEditor';

function resourcePath(k: ResourceKind, id: string): string {
  return `${k.path}/${encodeURIComponent(id)}`;
}

export function ResourceDetail({ kind, id }: { kind: string; id: string }) {
  const k = kindOf(kind)!;
  const session = useSession();
  const route = useRoute();
  const scope = Object.fromEntries([...route.query.entries()].filter(([name]) => name === 'tenantId'));
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const [secret, setSecret] = useState<Row | null>(null);
  const readPath = kind === 'deployments' ? `${resourcePath(k, id)}/status` : resourcePath(k, id);
  const data = useAsync(async (signal) => {
    const { data: row, etag } = await call<Row>(k.service, readPath, { query: scope, signal });
    const versions = k.versions
      ? await get<Page<Version<Row>>>(k.service, `${resourcePath(k, id)}/versions`, { ...scope, limit: 20 }, signal)
      : null;
    return { row, etag, versions };
  }, [kind, id, JSON.stringify(scope)]);
  const row = data.data?.row;
  const owned = row && (row.managedBy === 'file' || row.managedBy === 'deployment');
  const canEdit = session.canWrite && k.editable && !owned;

  const act = (what: string, method: string, path: string, body?: unknown, after?: (answer: Row) => void) => action.run(async () => {
    const answer = await send<Row>(k.service, method, path + (Object.keys(scope).length ? `?${new URLSearchParams(scope)}` : ''), body);
    after?.(answer);
    data.reload();
    return what;
  });

  const title = row ? String(row.name ?? row.workflowId ?? (row.ruleName ? `${row.ruleName} · ${row.groupKey}` : id)) : id;
  return (
    <section>
      <p>
        <a href={href(kind === 'policies' ? '/governance' : `/r/${kind}`)}>← {k.title}</a>
      </p>
      <div className="heading">
        <h1>{title}</h1>
        {row && typeof row.state === 'string' && <Badge value={row.state} />}
        {canEdit && !editing && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        <Action allowed={session.canWrite && Boolean(k.deletable) && !(owned && kind !== 'deployments')} danger
          onClick={() => {
            if (!window.confirm(`${k.deleteLabel ?? 'Delete'} ${k.singular} ${title}?`)) return;
            act(`${k.deleteLabel ?? 'Deleted'}.`, 'DELETE', k.deletePath ? `${k.path}${k.deletePath(id)}` : resourcePath(k, id))
              .then(() => navigate(kind === 'policies' ? '/governance' : `/r/${kind}`));
          }}>
          {k.deleteLabel ?? 'Delete'}
        </Action>
        <KindActions kind={kind} id={id} row={row} act={act} onSecret={setSecret} />
      </div>
      {owned && (
        <p className="notice">
          Managed by {row.managedBy === 'file' ? 'the declarative file' : <>the deployment of workflow <a href={href(`/r/deployments/${String(row.workflowId)}`, { tenantId: String(row.tenantId) })}>{String(row.workflowId)}</a></>}: change it there.
        </p>
      )}
      <Notice message={action.notice} />
      {secret && <SecretOnce created={secret} kind={k} onDone={() => setSecret(null)} />}
      <ErrorNote error={action.error} />
      <ErrorNote error={data.error} />
      <Loading when={data.loading && !row} />
      {row && editing && (
        <JsonEditor label={`Edit ${k.singular} (JSON; version ${String(row.version)})`}
          initial={Object.fromEntries(Object.entries(row).filter(([f]) => !(k.readOnly ?? []).includes(f)))}
          submitLabel="Save" onCancel={() => setEditing(false)}
          onSubmit={async (body) => {
            await call(k.service, resourcePath(k, id), { method: 'PUT', body, headers: data.data?.etag ? { 'If-Match': data.data.etag } : {} });
            setEditing(false);
            action.setNotice('Saved as a new version.');
            data.reload();
          }} />
      )}
      {row && kind === 'deployments' && <DeploymentTriggers row={row} />}
      {row && kind === 'endpoints' && <EventLog endpointId={id} canReplay={session.canWrite} />}
      {row && !editing && (
        <div className="panel">
          <h2>{k.singular[0].toUpperCase() + k.singular.slice(1)}</h2>
          <Json value={row} label={k.singular} />
        </div>
      )}
      {data.data?.versions && (
        <div className="panel">
          <h2>Versions</h2>
          <Table caption="Versions" rows={data.data.versions.items} rowKey={(v) => String(v.version)}
            columns={[
              { header: 'Version', cell: (v) => v.version, className: 'num' },
              { header: 'Change', cell: (v) => v.change ?? (v as unknown as Row).outcome as string ?? '—' },
              { header: 'When', cell: (v) => <Time value={v.changedAt ?? (v as unknown as Row).createdAt as string} /> },
              { header: 'Configuration', cell: (v) => <details><summary>show</summary><Json value={v.config ?? (v as unknown as Row).document} label={`Version ${v.version}`} /></details> },
              { header: '', cell: (v) => v.version !== (row?.version ?? row?.desiredVersion) && (
                <Action allowed={session.canWrite && (!owned || kind === 'deployments')} label={`Roll back to version ${v.version}`}
                  onClick={() => act(`Rolled back to version ${v.version}.`, 'POST', `${resourcePath(k, id)}/versions/${v.version}/rollback`)}>
                  Roll back
                </Action>
              ) },
            ]} />
        </div>
      )}
    </section>
  );
}

function KindActions({ kind, id, row, act, onSecret }: {
  kind: string;
  id: string;
  row: Row | undefined;
  act: (what: string, method: string, path: string, body?: unknown, after?: (answer: Row) => void) => Promise<void>;
  onSecret: (row: Row) => void;
}) {
  const session = useSession();
  if (!row) return null;
  const at = (p: string) => `${kindOf(kind)!.path}/${encodeURIComponent(id)}${p}`;
  switch (kind) {
    case 'endpoints':
      return (
        <Action allowed={session.canWrite && row.managedBy === 'api'} onClick={() => act('A new secret is in force.', 'POST', at('/rotate-secret'), undefined, onSecret)}>
          Rotate secret
        </Action>
      );
    case 'sources':
      return row.paused || row.state === 'paused' ? (
        <Action allowed={session.canOperate} onClick={() => act('Resumed.', 'POST', at('/resume'))}>Resume</Action>
      ) : (
        <Action allowed={session.canOperate} onClick={() => act('Paused: messages wait on the broker.', 'POST', at('/pause'))}>Pause</Action>
      );
    case 'alerts':
      return row.state === 'silenced' ? (
        <Action allowed={session.canWrite} onClick={() => act('Silence lifted.', 'DELETE', at('/silence'))}>Unsilence</Action>
      ) : (
        <Action allowed={session.canWrite} onClick={() => act('Silenced for 1 hour.', 'POST', at('/silence'), { duration: 'PT1H' })}>Silence 1 h</Action>
      );
    case 'alert-channels':
      return <Action allowed={session.canWrite} onClick={() => act('A sample notification was sent.', 'POST', at('/test'))}>Send test</Action>;
    default:
      return null;
  }
}

function DeploymentTriggers({ row }: { row: Row }) {
  const triggers = (row.triggers as Row[] | undefined) ?? [];
  return (
    <div className="panel">
      <h2>Triggers</h2>
      <Table caption="The deployment's triggers" rows={triggers} rowKey={(t) => String(t.name)}
        columns={[
          { header: 'Name', cell: (t) => String(t.name) },
          { header: 'Type', cell: (t) => String(t.type) },
          { header: 'Condition', cell: (t) => <Badge value={String((t.condition as Row | undefined)?.type ?? '')} /> },
          { header: 'Reason', cell: (t) => String((t.condition as Row | undefined)?.reason ?? '') },
          { header: 'Since', cell: (t) => <Time value={(t.condition as Row | undefined)?.since as string | undefined} /> },
          { header: 'Observed', cell: (t) => <code>{JSON.stringify(t.observed ?? {})}</code> },
        ]} />
    </div>
  );
}

interface LoggedEvent {
  id: string;
  receivedAt: string;
  method: string;
  statusCode: number;
  outcome: string;
  verified: boolean;
  runId?: string;
  error?: string;
  replayable: boolean;
}

/** What the endpoint received and what became of each request: the way from a delivery to its run and decision. */
function EventLog({ endpointId, canReplay }: { endpointId: string; canReplay: boolean }) {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const events = useAsync(
    (signal) => get<Page<LoggedEvent>>('webhook', `/api/v1/endpoints/${encodeURIComponent(endpointId)}/events`, { limit: 20 }, signal),
    [endpointId],
  );
  return (
    <div className="panel">
      <div className="heading">
        <h2>Event log</h2>
        <button type="button" className="secondary" onClick={events.reload}>
          Refresh
        </button>
      </div>
      <Notice message={notice} />
      <ErrorNote error={error} />
      <ErrorNote error={events.error} />
      <Table caption="Requests the endpoint received" rows={events.data?.items ?? []} rowKey={(e) => e.id}
        columns={[
          { header: 'Received', cell: (e) => <Time value={e.receivedAt} /> },
          { header: 'Answer', cell: (e) => e.statusCode, className: 'num' },
          { header: 'Outcome', cell: (e) => <Badge value={e.outcome} /> },
          { header: 'Verified', cell: (e) => (e.verified ? 'yes' : 'no') },
          { header: 'Run', cell: (e) => (e.runId ? <a className="mono" href={href(`/runs/${e.runId}`)}>{e.runId}</a> : e.error ?? '—') },
          { header: '', cell: (e) => e.replayable && canReplay && (
            <button type="button" className="secondary" aria-label={`Replay request ${e.id}`} onClick={async () => {
              setError(null);
              try {
                const r = await send<{ runId: string }>('webhook', 'POST', `/api/v1/events/${encodeURIComponent(e.id)}/replay`);
                setNotice(`Replayed as run ${r.runId}.`);
                events.reload();
              } catch (err) {
                setError(err);
              }
            }}>
              Replay
            </button>
          ) },
        ]} />
    </div>
  );
}
