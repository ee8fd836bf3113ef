import { useState } from 'react';
import { get, send, type Page } from '../api';
import { href, navigate, useRoute } from '../router';
import { RESOURCES, kindOf, type ResourceKind, type Row } from '../resources';
import { Badge, ErrorNote, Filters, Loading, Pager, Table, useAsync, usePager, useSession } from '../ui';
import { JsonEditor, SecretOnce } from './JsonEditor';

export { RESOURCES };

export function Resources({ kind, embedded }: { kind: string; embedded?: boolean }) {
  const k = kindOf(kind)!;
  const session = useSession();
  const route = useRoute();
  const query = Object.fromEntries(k.filters.map((f) => [f.name, route.query.get(f.name) ?? undefined]));
  const key = `${kind}:${JSON.stringify(query)}`;
  const pager = usePager(key);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Row | null>(null);
  const list = useAsync(
    (signal) => get<Page<Row>>(k.service, k.path, { ...query, limit: 25, cursor: pager.cursor }, signal),
    [key, pager.cursor],
  );
  const Heading = embedded ? 'h2' : 'h1';
  return (
    <section>
      <div className="heading">
        <Heading>{k.title}</Heading>
        {k.template && session.canWrite && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New {k.singular}
          </button>
        )}
        <button type="button" className="secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {creating && (
        <JsonEditor label={`New ${k.singular} (JSON)`} initial={k.template!} submitLabel="Create"
          onCancel={() => setCreating(false)}
          onSubmit={async (body) => {
            const answer = await send<Row>(k.service, 'POST', k.path, body);
            setCreating(false);
            setCreated(answer);
            list.reload();
          }} />
      )}
      {created && <SecretOnce created={created} kind={k} onDone={() => setCreated(null)} />}
      <Filters fields={k.filters} values={route.query}
        onApply={(v) => navigate(embedded ? route.path : `/r/${kind}`, v)} />
      <ErrorNote error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && (
        <>
          <ResourceTable kind={kind} k={k} rows={list.data.items} />
          <Pager pager={pager} nextCursor={list.data.nextCursor} />
        </>
      )}
    </section>
  );
}

export function detailHref(kind: string, k: ResourceKind, row: Row): string {
  const base = kind === 'policies' ? `/policies/${encodeURIComponent(k.id(row))}` : `/r/${kind}/${encodeURIComponent(k.id(row))}`;
  return href(base, k.scope?.(row));
}

function ResourceTable({ kind, k, rows }: { kind: string; k: ResourceKind; rows: Row[] }) {
  return (
    <Table caption={k.title} rows={rows} rowKey={(r) => `${k.id(r)}/${String(r.tenantId ?? '')}`}
      columns={k.columns.map((c) => ({
        header: c.header,
        cell: (r: Row) => {
          const v = c.value(r);
          const text = v === undefined || v === null || v === '' ? '—' : String(v);
          if (c.link) return <a href={detailHref(kind, k, r)}>{text}</a>;
          if (c.badge) return <Badge value={text} />;
          return text;
        },
      }))} />
  );
}
