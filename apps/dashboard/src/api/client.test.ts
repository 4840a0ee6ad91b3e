import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The API client in Node: localStorage and fetch are stand-ins; the modules are loaded fresh for each test.
const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
const now = () => Math.floor(Date.now() / 1000);
const user = { id: 'u1', username: 'ada', role: 'member' };

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function load(session: { access: string; refresh: string } | null) {
  vi.resetModules();
  const storage = memoryStorage();
  if (session) storage.setItem('xat.session', JSON.stringify({ ...session, user }));
  vi.stubGlobal('localStorage', storage);
  const client = await import('./client.ts');
  const sessions = await import('./session.ts');
  return { ...client, ...sessions, storage };
}

beforeEach(() => {
  vi.useRealTimers();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('API client', () => {
  it('refreshes an expiring token once for many parallel calls (a reused refresh token would end the session)', async () => {
    const m = await load({ access: jwt(now() + 5), refresh: 'r1' });
    let refreshes = 0;
    const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/api/v1/auth/token/refresh/') {
        refreshes++;
        expect(JSON.parse(String(init.body))).toEqual({ refresh: 'r1' });
        await new Promise((r) => setTimeout(r, 20));
        return json(200, { access: jwt(now() + 900), refresh: 'r2' });
      }
      return json(200, { ok: (init.headers as Record<string, string>).authorization });
    });
    vi.stubGlobal('fetch', fetchMock);
    const answers = await Promise.all([m.api('/a'), m.api('/b'), m.api('/c')]);
    expect(refreshes).toBe(1);
    const fresh = m.getSession();
    expect(fresh?.refresh).toBe('r2');
    expect(answers).toEqual([0, 1, 2].map(() => ({ ok: `Bearer ${fresh?.access}` })));
    expect(JSON.parse(m.storage.getItem('xat.session') ?? '{}').refresh).toBe('r2');
  });

  it('retries once after a refused token, and ends the session in words when the refresh is refused too', async () => {
    const m = await load({ access: jwt(now() + 900), refresh: 'r1' });
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        calls.push(url);
        if (url === '/api/v1/auth/token/refresh/')
          return json(401, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
        return json(401, { detail: 'Given token not valid', code: 'token_not_valid' });
      }),
    );
    await expect(m.api('/x')).rejects.toMatchObject({ status: 401, message: 'Your session has ended. Sign in again.' });
    expect(calls).toEqual(['/x', '/api/v1/auth/token/refresh/']);
    expect(m.getSession()).toBeNull();
    expect(m.sessionEndReason()).toBe('Your session has ended. Sign in again.');
  });

  it('uses tokens another tab already rotated instead of refreshing again', async () => {
    const m = await load({ access: jwt(now() + 5), refresh: 'r1' });
    // Another tab refreshed meanwhile and stored the new pair.
    m.storage.setItem('xat.session', JSON.stringify({ access: jwt(now() + 900), refresh: 'r2', user }));
    const fetchMock = vi.fn(async (url: string) => (url.includes('refresh') ? json(500, {}) : json(200, { ok: true })));
    vi.stubGlobal('fetch', fetchMock);
    expect(await m.api('/x')).toEqual({ ok: true });
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/x']);
  });

  it('turns DRF errors and network failures into sentences', async () => {
    const m = await load(null);
    expect(m.describeError(404, { detail: 'Not found.', code: 'not_found' }).message).toBe('Not found.');
    const fields = m.describeError(400, {
      name: ['A collector with this name already exists.'],
      hourly_cost: ['Must be a number.'],
    });
    expect(fields.message).toBe('name: A collector with this name already exists. hourly cost: Must be a number.');
    expect(fields.fields.name).toEqual(['A collector with this name already exists.']);
    expect(m.describeError(400, { non_field_errors: ['You cannot delete your own account.'] }).message).toBe(
      'You cannot delete your own account.',
    );
    expect(m.describeError(502, '<html>Bad gateway</html>').message).toBe(
      'The server had a problem (HTTP 502). Try again in a moment.',
    );
    expect(m.describeError(429, undefined).message).toMatch(/Too many requests/);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('fetch failed'))),
    );
    await expect(m.api('/x', { anonymous: true })).rejects.toMatchObject({
      status: 0,
      message: expect.stringMatching(/Cannot reach the XAT server/),
    });
    await expect(m.api('/x')).rejects.toMatchObject({ status: 401 });
  });

  it('builds query strings from the values that are set', async () => {
    const m = await load(null);
    expect(m.query({ a: 1, b: undefined, c: '', d: null, e: 'x y' })).toBe('?a=1&e=x+y');
    expect(m.query({})).toBe('');
    expect(m.secondsLeft(jwt(now() + 60))).toBeGreaterThan(55);
    expect(m.secondsLeft('garbage')).toBe(0);
  });
});
