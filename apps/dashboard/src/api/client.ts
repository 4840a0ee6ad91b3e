import { getSession, reloadSession, secondsLeft, setSession } from './session.ts';

/** An API call that failed, with a message a person can read (never a stack trace). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** DRF error bodies (`{detail}` or `{field: [messages]}`) → one sentence and the per-field messages. */
export function describeError(status: number, body: unknown): ApiError {
  if (isRecord(body) && typeof body.detail === 'string') return new ApiError(body.detail, status);
  if (isRecord(body)) {
    const fields: Record<string, string[]> = {};
    for (const [field, messages] of Object.entries(body)) {
      const list = Array.isArray(messages) ? messages.map(String) : typeof messages === 'string' ? [messages] : [];
      if (list.length) fields[field] = list;
    }
    const parts = Object.entries(fields).map(([field, list]) =>
      field === 'non_field_errors' || field === 'body'
        ? list.join(' ')
        : `${field.replaceAll('_', ' ')}: ${list.join(' ')}`,
    );
    if (parts.length) return new ApiError(parts.join(' '), status, fields);
  }
  if (status === 401) return new ApiError('Your session has ended. Sign in again.', status);
  if (status === 403) return new ApiError('You do not have permission to do this.', status);
  if (status === 404) return new ApiError('Not found: it may have been deleted.', status);
  if (status === 413) return new ApiError('The file is too large for this server.', status);
  if (status === 429) return new ApiError('Too many requests. Wait a moment and try again.', status);
  if (status >= 500) return new ApiError(`The server had a problem (HTTP ${status}). Try again in a moment.`, status);
  return new ApiError(`The request failed (HTTP ${status}).`, status);
}

const SESSION_ENDED = 'Your session has ended. Sign in again.';
const OFFLINE = 'Cannot reach the XAT server. Check that it is running and your connection, then try again.';

let refreshing: Promise<string | null> | null = null;

/** Web Locks keep two tabs from presenting the same refresh token (a reused one revokes the whole family). */
function exclusively<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request('xat-token-refresh', fn) as Promise<T>) : fn();
}

/**
 * A fresh access token. One refresh at a time, in this tab and across tabs; when another tab already rotated the
 * tokens, its new access token is used instead of refreshing again.
 */
export function refreshAccess(stale: string): Promise<string | null> {
  refreshing ??= exclusively(async () => {
    const session = reloadSession();
    if (!session) return null;
    if (session.access !== stale && secondsLeft(session.access) > 30) return session.access;
    let res: Response;
    try {
      res = await fetch('/api/v1/auth/token/refresh/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh: session.refresh }),
      });
    } catch {
      throw new ApiError(OFFLINE, 0);
    }
    if (!res.ok) {
      if (res.status === 401 || res.status === 400) setSession(null, SESSION_ENDED);
      return null;
    }
    const pair = (await res.json()) as { access: string; refresh: string };
    setSession({ ...session, access: pair.access, refresh: pair.refresh });
    return pair.access;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Send without a token (sign-in). */
  anonymous?: boolean;
  /** For a FormData body: bytes sent so far and in all, as the browser sends them (fetch cannot tell). */
  onUploadProgress?: (sent: number, total: number) => void;
}

/** A FormData body sent with XMLHttpRequest, whose upload reports progress; answered as a fetch Response. */
function sendWithProgress(
  path: string,
  method: string,
  headers: Record<string, string>,
  body: FormData,
  opts: RequestOptions,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onUploadProgress?.(e.loaded, e.total);
    };
    xhr.onload = () => {
      const empty = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
      const contentType = xhr.getResponseHeader('content-type');
      resolve(
        new Response(empty ? null : xhr.responseText, {
          status: xhr.status,
          headers: contentType ? { 'content-type': contentType } : {},
        }),
      );
    };
    xhr.onerror = () => reject(new ApiError(OFFLINE, 0));
    xhr.onabort = () => reject(new DOMException('The upload was stopped.', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

async function send(path: string, opts: RequestOptions, access: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (access) headers.authorization = `Bearer ${access}`;
  if (opts.body instanceof FormData && opts.onUploadProgress)
    return sendWithProgress(path, opts.method ?? 'POST', headers, opts.body, opts);
  try {
    return await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: body ?? null,
      signal: opts.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(OFFLINE, 0);
  }
}

/** Calls the API with the session's token, refreshing it quietly when it is about to expire or was refused. */
export async function apiResponse(path: string, opts: RequestOptions = {}): Promise<Response> {
  if (opts.anonymous) return send(path, opts, undefined);
  let session = getSession();
  if (!session) throw new ApiError(SESSION_ENDED, 401);
  let access: string | null = session.access;
  if (secondsLeft(access) < 20) access = (await refreshAccess(access)) ?? access;
  let res = await send(path, opts, access);
  if (res.status === 401) {
    session = getSession();
    const fresh = session ? await refreshAccess(access) : null;
    if (!fresh) {
      setSession(null, SESSION_ENDED);
      throw new ApiError(SESSION_ENDED, 401);
    }
    res = await send(path, opts, fresh);
  }
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => undefined);
    throw describeError(res.status, body);
  }
  return res;
}

/** JSON of an API call (undefined for 204). */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await apiResponse(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** `?a=1&b=x` from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
