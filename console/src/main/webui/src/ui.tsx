import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, type Session } from './api';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs a load when its inputs change, dropping answers to superseded loads. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error) => !controller.signal.aborted && setState({ error, loading: false }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A write started from a page: what it did as a notice, or why it failed as an error (the last one only). */
export function useAction() {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (work: () => Promise<string>) => {
    setError(null);
    try {
      setNotice(await work());
    } catch (e) {
      setError(e);
    }
  }, []);
  return { notice, error, run, setNotice };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="error" role="alert">
      <strong>{e ? `${e.status || 'Network'} ${e.code}` : 'Error'}</strong>: {e ? e.detail : String(error)}
      {e && e.errors.length > 0 && (
        <ul>
          {e.errors.map((f, i) => (
            <li key={i}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? (
    <p className="muted" role="status">
      Loading…
    </p>
  ) : null;
}

const STATUS_TONE: Record<string, string> = {
  succeeded: 'good', approved: 'good', active: 'good', ready: 'good', Ready: 'good', closed: 'good', running: 'good',
  resolved: 'good', delivered: 'good',
  failed: 'bad', dead_lettered: 'bad', rejected: 'bad', open: 'bad', Failed: 'bad', firing: 'bad',
  paused: 'warn', pending: 'warn', Pending: 'warn', half_open: 'warn', running_fallback: 'warn', queued: 'warn',
  disabled: 'muted', finished: 'muted', duplicate: 'muted', silenced: 'muted',
};

export function Badge({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <span className={`badge ${STATUS_TONE[value] ?? ''}`}>{value.replace(/_/g, ' ')}</span>;
}

export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return <span>{value}</span>;
  return (
    <time dateTime={value} title={value}>
      {d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
    </time>
  );
}

export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {value === undefined || value === null ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

export function Table<T>({ caption, columns, rows, rowKey, empty }: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  empty?: string;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty ?? 'Nothing here yet.'}
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.className} data-label={c.header}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Cursor paging: the cursors of the pages before this one are kept, so Newer goes back exactly. */
export function usePager(resetKey: string) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), [resetKey]);
  const cursor = cursors[cursors.length - 1];
  return {
    cursor,
    page: cursors.length,
    older: (next: string) => setCursors((c) => [...c, next]),
    newer: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

export function Pager({ pager, nextCursor }: { pager: ReturnType<typeof usePager>; nextCursor?: string | null }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={pager.newer} disabled={pager.page <= 1}>
        ← Newer
      </button>
      <span className="muted">Page {pager.page}</span>
      <button type="button" onClick={() => nextCursor && pager.older(nextCursor)} disabled={!nextCursor}>
        Older →
      </button>
    </nav>
  );
}

export interface FilterField {
  name: string;
  label: string;
  options?: string[];
  placeholder?: string;
  type?: 'text' | 'datetime-local';
}

/** Filters live in the URL, so a filtered list is a link; applying one starts again at the first page. */
export function Filters({ fields, values, onApply }: {
  fields: FilterField[];
  values: URLSearchParams;
  onApply: (values: Record<string, string>) => void;
}) {
  const form = useRef<HTMLFormElement>(null);
  return (
    <form
      ref={form}
      className="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(form.current!);
        const out: Record<string, string> = {};
        for (const f of fields) {
          const v = String(data.get(f.name) ?? '').trim();
          if (v) out[f.name] = v;
        }
        onApply(out);
      }}
    >
      {fields.map((f) => (
        <label key={f.name}>
          <span>{f.label}</span>
          {f.options ? (
            <select name={f.name} defaultValue={values.get(f.name) ?? ''}>
              <option value="">any</option>
              {f.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input name={f.name} type={f.type ?? 'text'} defaultValue={values.get(f.name) ?? ''} placeholder={f.placeholder} />
          )}
        </label>
      ))}
      <button type="submit">Apply</button>
      <button type="button" className="secondary" onClick={() => onApply({})}>
        Clear
      </button>
    </form>
  );
}

/** Horizontal bars, labelled, for counts people would rather compare at a glance than read. */
export function Bars({ title, data }: { title: string; data: { label: string; value: number; tone?: string }[] }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 26;
  const width = 320;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="muted">No data in this window.</p>
      ) : (
        <svg role="img" aria-label={`${title}: ${data.map((d) => `${d.label} ${d.value}`).join(', ')}`}
          viewBox={`0 0 ${width + 220} ${data.length * row}`} width="100%">
          {data.map((d, i) => (
            <g key={d.label} transform={`translate(0 ${i * row})`}>
              <text x="0" y="17" className="chart-label">{d.label.length > 22 ? `${d.label.slice(0, 21)}…` : d.label}</text>
              <rect x="150" y="4" height="16" width={Math.max(2, (d.value / max) * width)} className={`bar ${d.tone ?? ''}`} rx="2" />
              <text x={156 + Math.max(2, (d.value / max) * width)} y="17" className="chart-value">{d.value}</text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}

/** One column of a time series: its start, stacked values (in the order of the series' parts), and a line value. */
export interface SeriesPoint {
  start: string;
  values: number[];
  line?: number | null;
}

/**
 * Stacked columns over time with an optional line on its own scale (e.g. runs by outcome and their p95). Each
 * column has a tooltip; the whole is described for screen readers by its totals.
 */
export function TimeSeries({ title, parts, points, lineLabel, lineUnit }: {
  title: string;
  parts: { label: string; tone?: string }[];
  points: SeriesPoint[];
  lineLabel?: string;
  lineUnit?: string;
}) {
  const width = 1000;
  const height = 240;
  const left = 48;
  const right = lineLabel ? 96 : 12;
  const top = 10;
  const bottom = 24;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const totals = points.map((p) => p.values.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const lineMax = Math.max(1, ...points.map((p) => p.line ?? 0));
  const step = plotW / Math.max(1, points.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const ly = (v: number) => top + plotH - (v / lineMax) * plotH;
  const sums = parts.map((_, i) => points.reduce((a, p) => a + (p.values[i] ?? 0), 0));
  const described = `${title}: ${parts.map((p, i) => `${p.label} ${sums[i]}`).join(', ')} over ${points.length} intervals`;
  const line = points
    .map((p, i) => (p.line == null ? null : `${left + i * step + step / 2},${ly(p.line)}`))
    .filter((p): p is string => p !== null);
  const tickEvery = Math.max(1, Math.ceil(points.length / 6));
  const fmt = (iso: string) => {
    const d = new Date(iso);
    const span = points.length > 1 ? new Date(points[points.length - 1].start).getTime() - new Date(points[0].start).getTime() : 0;
    return span > 2 * 86400e3
      ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' })
      : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  };
  return (
    <figure className="chart series">
      <figcaption>
        {title}
        <span className="legend">
          {parts.map((p) => (
            <span key={p.label}><i className={`swatch ${p.tone ?? ''}`} />{p.label}</span>
          ))}
          {lineLabel && <span><i className="swatch line" />{lineLabel}</span>}
        </span>
      </figcaption>
      <svg role="img" aria-label={described} viewBox={`0 0 ${width} ${height}`} width="100%">
        <line x1={left} x2={width - right} y1={y(0)} y2={y(0)} className="axis" />
        <text x={left - 6} y={top + 8} className="chart-value" textAnchor="end">{max}</text>
        <text x={left - 6} y={y(0)} className="chart-value" textAnchor="end">0</text>
        {lineLabel && (
          <text x={width - right + 6} y={top + 8} className="chart-value line-text">
            {Math.round(lineMax)}{lineUnit ?? ''}
          </text>
        )}
        {points.map((p, i) => {
          let base = 0;
          return (
            <g key={p.start}>
              <title>
                {`${fmt(p.start)}: ${parts.map((part, k) => `${part.label} ${p.values[k] ?? 0}`).join(', ')}`}
                {lineLabel && p.line != null ? `, ${lineLabel} ${Math.round(p.line)}${lineUnit ?? ''}` : ''}
              </title>
              <rect x={left + i * step} y={top} width={step} height={plotH} className="hover-target" />
              {p.values.map((v, k) => {
                if (v <= 0) return null;
                const y0 = y(base);
                base += v;
                return <rect key={k} x={left + i * step + step * 0.1} width={step * 0.8} y={y(base)} height={y0 - y(base)}
                  className={`bar ${parts[k]?.tone ?? ''}`} />;
              })}
              {i % tickEvery === 0 && (
                <text x={left + i * step} y={height - 6} className="chart-value">{fmt(p.start)}</text>
              )}
            </g>
          );
        })}
        {line.length > 0 && <polyline points={line.join(' ')} className="series-line" />}
        {points.map((p, i) => p.line == null ? null : (
          <circle key={p.start} cx={left + i * step + step / 2} cy={ly(p.line)} r="3" className="series-dot" />
        ))}
      </svg>
    </figure>
  );
}

export function Meter({ label, value, max }: { label: string; value: number; max: number }) {
  const share = max > 0 ? value / max : 0;
  return (
    <div className="meter">
      <span>{label}</span>
      <meter min={0} max={max || 1} low={(max || 1) * 0.7} high={(max || 1) * 0.9} optimum={0} value={value} aria-label={label} />
      <span className={share >= 0.9 ? 'bad-text' : share >= 0.7 ? 'warn-text' : ''}>
        {value} / {max} ({Math.round(share * 100)}%)
      </span>
    </div>
  );
}

/** A button for a write: not offered at all to a token that may not do it. */
export function Action({ allowed, onClick, children, danger, disabled, label }: {
  allowed: boolean;
  onClick: () => void;
  children: ReactNode;
  danger?: boolean;
  disabled?: boolean;
  label?: string;
}) {
  if (!allowed) return null;
  return (
    <button type="button" className={danger ? 'danger' : undefined} onClick={onClick} disabled={disabled} aria-label={label}>
      {children}
    </button>
  );
}

export function Notice({ message }: { message: string | null }) {
  return message ? (
    <p className="notice" role="status">
      {message}
    </p>
  ) : null;
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
