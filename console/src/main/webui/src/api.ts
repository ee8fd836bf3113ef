// Calls to the services, through the console's one URL: /console/api/<service>/<path>.

export type Service = 'api' | 'webhook' | 'cron' | 'queue' | 'governance' | 'dispatcher';

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

/** A problem+json answer (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }
}

const TOKEN_KEY = 'agent-triggers-console-token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let onUnauthorized: () => void = () => {};

/** What to do when a call answers 401: the token is gone or wrong, so sign in again. */
export function whenUnauthorized(handler: () => void) {
  onUnauthorized = handler;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function url(service: Service | 'console', path: string, query?: CallOptions['query']): string {
  const base = service === 'console' ? '/console' : `/console/api/${service}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

function headers(extra?: Record<string, string>, json = false): Headers {
  const h = new Headers(extra);
  const t = token.get();
  if (t) h.set('Authorization', `Bearer ${t}`);
  if (json) h.set('Content-Type', 'application/json');
  h.set('Accept', 'application/json, application/problem+json');
  return h;
}

async function problem(response: Response): Promise<ApiError> {
  let body: { code?: string; detail?: string; title?: string; errors?: FieldError[] } = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(
    response.status,
    body.code ?? `http_${response.status}`,
    body.detail ?? body.title ?? response.statusText ?? 'Request failed',
    body.errors ?? [],
  );
}

/** One call; answers the parsed JSON (null for 204) with the ETag, or throws an ApiError. */
export async function call<T>(
  service: Service | 'console',
  path: string,
  options: CallOptions = {},
): Promise<{ data: T; etag: string | null }> {
  let response: Response;
  try {
    response = await fetch(url(service, path, options.query), {
      method: options.method ?? 'GET',
      headers: headers(options.headers, options.body !== undefined),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', `The console could not be reached: ${(e as Error).message}`);
  }
  if (response.status === 401 && service !== 'console') onUnauthorized();
  if (!response.ok) throw await problem(response);
  const data = response.status === 204 ? null : await response.json();
  return { data: data as T, etag: response.headers.get('ETag') };
}

export async function get<T>(service: Service, path: string, query?: CallOptions['query'], signal?: AbortSignal) {
  return (await call<T>(service, path, { query, signal })).data;
}

export async function send<T>(service: Service, method: string, path: string, body?: unknown, headersIn?: Record<string, string>) {
  return (await call<T>(service, path, { method, body, headers: headersIn })).data;
}

/**
 * Reads a Server-Sent Events stream with the bearer token (EventSource cannot send one), calling onEvent per
 * JSON event until the signal aborts; the server ends streams after a while and the caller opens another.
 */
export async function stream<T>(
  service: Service,
  path: string,
  query: CallOptions['query'],
  onEvent: (event: T) => void,
  signal: AbortSignal,
  onOpen?: () => void,
): Promise<void> {
  const response = await fetch(url(service, path, query), {
    headers: { ...Object.fromEntries(headers().entries()), Accept: 'text/event-stream' },
    signal,
  });
  if (response.status === 401) onUnauthorized();
  if (!response.ok || !response.body) throw await problem(response);
  onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) {
        try {
          onEvent(JSON.parse(data) as T);
        } catch {
          // A keep-alive or a partial line: skip it.
        }
      }
    }
  }
}

export interface Session {
  name: string;
  role: 'admin' | 'operator' | 'viewer';
  tenants: string[];
  canWrite: boolean;
  canOperate: boolean;
}

export async function session(): Promise<Session> {
  return (await call<Session>('console', '/session')).data;
}
