import { afterEach, describe, expect, it, vi } from 'vitest';

// The password change in Node: localStorage and fetch are stand-ins, the modules loaded fresh for each test.
const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
const later = () => Math.floor(Date.now() / 1000) + 900;
const user = { id: 'u1', username: 'ada', role: 'admin' };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function load() {
  vi.resetModules();
  const data = new Map<string, string>();
  data.set('xat.session', JSON.stringify({ access: jwt(later()), refresh: 'r-old', user }));
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  });
  return { ...(await import('./account.ts')), ...(await import('./session.ts')) };
}

const body = { old_password: 'old one', new_password: 'correct horse battery', new_password2: 'correct horse battery' };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('password change', () => {
  it('signs this browser in again with the new password (the server revoked every refresh token)', async () => {
    const m = await load();
    const calls: { url: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, body: JSON.parse(String(init.body)) });
        if (url === '/api/v1/auth/password/change/') return json(200, { message: 'Password changed successfully' });
        if (url === '/api/v1/auth/token/') return json(200, { access: jwt(later()), refresh: 'r-new', user });
        return json(404, { detail: 'Not found.' });
      }),
    );
    expect(await m.changePassword(body)).toBe('renewed');
    expect(calls).toEqual([
      { url: '/api/v1/auth/password/change/', body },
      { url: '/api/v1/auth/token/', body: { username: 'ada', password: 'correct horse battery' } },
    ]);
    expect(m.getSession()?.refresh).toBe('r-new');
  });

  it("throws the policy's refusal per field and keeps the session as it was", async () => {
    const m = await load();
    const refusal = { new_password: ['This password is too common.'] };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(400, refusal)),
    );
    const err = await m.changePassword(body).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, fields: refusal });
    expect(m.getSession()?.refresh).toBe('r-old');
  });

  it('ends the session in words when the new sign-in fails after the change', async () => {
    const m = await load();
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url === '/api/v1/auth/password/change/' ? json(200, { message: 'ok' }) : json(503, { detail: 'Down.' }),
      ),
    );
    expect(await m.changePassword(body)).toBe('ended');
    expect(m.getSession()).toBeNull();
    expect(m.sessionEndReason()).toBe(m.SIGN_IN_AGAIN);
  });
});
