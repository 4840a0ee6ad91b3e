import { createHash, createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTestTenant, getApp, PASSWORD, type TestTenant } from '../../../test/helpers.ts';
import { refreshTokens, users } from '../../db/schema.ts';
import type { Role } from '../users/users.queries.ts';
import { createUser } from '../users/users.service.ts';

interface Pair {
  access: string;
  refresh: string;
}

async function newUser(t: TestTenant, role: Role = 'member', password = PASSWORD) {
  const { database } = await getApp();
  const username = `u-${randomUUID().slice(0, 8)}`;
  const row = await createUser(database.db, t.id, { username, password, role, email: `${username}@example.com` });
  return { id: row.id, username, password };
}

const login = (t: TestTenant, username: string, password: string, remoteAddress?: string) =>
  t.request({
    method: 'POST',
    url: '/api/v1/auth/token/',
    payload: { username, password },
    auth: false,
    ...(remoteAddress ? { remoteAddress } : {}),
  });

async function loginPair(t: TestTenant, username: string, password = PASSWORD): Promise<Pair> {
  const res = await login(t, username, password);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Pair>();
}

const refresh = (t: TestTenant, token: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/token/refresh/', payload: { refresh: token }, auth: false });
const me = (t: TestTenant, token: string) => t.request({ method: 'GET', url: '/api/v1/auth/user/', token });

const decode = (token: string, part = 1) =>
  JSON.parse(Buffer.from(token.split('.')[part] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** A JWT signed by hand, to present tokens the server must refuse (and one it must accept, as a control). */
function forge(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64(header)}.${b64(claims)}`;
  if (header.alg === 'none') return `${data}.`;
  const digest = header.alg === 'HS512' ? 'sha512' : 'sha256';
  return `${data}.${createHmac(digest, secret).update(data).digest('base64url')}`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sign-in', () => {
  it('returns an access token, a refresh token and the user', async () => {
    const t = await createTestTenant();
    const u = await newUser(t, 'viewer');
    const res = await login(t, u.username, PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({
      id: u.id,
      username: u.username,
      email: `${u.username}@example.com`,
      first_name: '',
      last_name: '',
      role: 'viewer',
    });
    expect(body.user.last_login).not.toBeNull();
    expect(res.body).not.toContain('password');

    const header = decode(body.access, 0);
    const claims = decode(body.access);
    expect(header.alg).toBe('HS256');
    expect(claims).toMatchObject({ token_type: 'access', user_id: u.id, tid: t.id });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
    expect(decode(body.refresh)).toMatchObject({ token_type: 'refresh', user_id: u.id, tid: t.id });
    expect(Number(decode(body.refresh).exp) - Number(decode(body.refresh).iat)).toBe(7 * 86400);

    const who = await me(t, body.access);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ id: u.id, username: u.username, role: 'viewer' });
  });

  it('answers 401 with the same detail for a wrong password, an unknown user and an inactive user', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const inactive = await newUser(t);
    await t.request({ method: 'PATCH', url: `/api/v1/users/${inactive.id}/`, payload: { is_active: false } });
    const wrong = await login(t, u.username, 'not-the-password');
    const unknown = await login(t, 'nobody-here', PASSWORD);
    const off = await login(t, inactive.username, PASSWORD);
    for (const res of [wrong, unknown, off]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        detail: 'No active account found with the given credentials',
        code: 'no_active_account',
      });
    }
  });

  it('stores passwords as argon2id hashes', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const { database } = await getApp();
    const [row] = await database.db.select().from(users).where(eq(users.id, u.id));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.passwordHash).not.toContain(PASSWORD);
  });

  it('stores refresh tokens only as hashes', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const first = await loginPair(t, u.username);
    const second = (await refresh(t, first.refresh)).json<Pair>();
    const { database } = await getApp();
    const rows = await database.db.select().from(refreshTokens).where(eq(refreshTokens.tenantId, t.id));
    expect(rows).toHaveLength(2);
    const dump = JSON.stringify(rows);
    for (const token of [first.refresh, second.refresh]) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.split('.')[2]);
    }
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(rows.map((r) => r.tokenHash).sort()).toEqual([sha(first.refresh), sha(second.refresh)].sort());
  });
});

describe('sign-in rate limit', () => {
  it('refuses the 6th attempt after 5 failures per username and IP with 429 and Retry-After', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const ip = '10.1.0.1';
    for (let i = 0; i < 5; i++) expect((await login(t, u.username, `guess-${i}`, ip)).statusCode).toBe(401);
    const blocked = await login(t, u.username, PASSWORD, ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'throttled' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('locks nobody out: other usernames from that IP, and that user from elsewhere, still sign in', async () => {
    const t = await createTestTenant();
    const victim = await newUser(t);
    const other = await newUser(t);
    const attacker = '10.1.0.2';
    for (let i = 0; i < 8; i++) await login(t, victim.username, `guess-${i}`, attacker);
    expect((await login(t, victim.username, PASSWORD, attacker)).statusCode).toBe(429);
    expect((await login(t, other.username, PASSWORD, attacker)).statusCode).toBe(200);
    expect((await login(t, victim.username, PASSWORD, '10.1.0.3')).statusCode).toBe(200);
  });

  it('counts per tenant: the same username in another tenant is not throttled', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { database } = await getApp();
    const username = `shared-${randomUUID().slice(0, 6)}`;
    await createUser(database.db, a.id, { username, password: PASSWORD });
    await createUser(database.db, b.id, { username, password: PASSWORD });
    const ip = '10.1.0.4';
    for (let i = 0; i < 6; i++) await login(a, username, `guess-${i}`, ip);
    expect((await login(a, username, PASSWORD, ip)).statusCode).toBe(429);
    expect((await login(b, username, PASSWORD, ip)).statusCode).toBe(200);
  });

  it('cannot be outrun by concurrent guesses', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => login(t, u.username, `parallel-${i}`, '10.1.0.5')),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(10);
  });

  it('counts failures only: many successful sign-ins are never throttled', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    for (let i = 0; i < 8; i++) expect((await login(t, u.username, PASSWORD, '10.1.0.6')).statusCode).toBe(200);
  });

  it('follows LOGIN_RATE_LIMIT', async () => {
    const { database } = await getApp();
    const app = await buildTestApp(database, { LOGIN_RATE_LIMIT: '2/m' });
    try {
      const t = await createTestTenant();
      const u = await newUser(t);
      const attempt = (password: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/token/',
          headers: { host: t.host },
          payload: { username: u.username, password },
        });
      expect((await attempt('bad-1')).statusCode).toBe(401);
      expect((await attempt('bad-2')).statusCode).toBe(401);
      expect((await attempt(PASSWORD)).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe('refresh tokens', () => {
  it('rotate: a refresh gives a new pair whose access token works', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const first = await loginPair(t, u.username);
    const res = await refresh(t, first.refresh);
    expect(res.statusCode).toBe(200);
    const second = res.json<Pair>();
    expect(Object.keys(second).sort()).toEqual(['access', 'refresh']);
    expect(second.refresh).not.toBe(first.refresh);
    expect(second.access).not.toBe(first.access);
    expect((await me(t, second.access)).json().id).toBe(u.id);
    expect(decode(second.refresh).fam).toBe(decode(first.refresh).fam);
  });

  it('revoke the whole family when a rotated token is presented again', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const first = await loginPair(t, u.username);
    const second = (await refresh(t, first.refresh)).json<Pair>();
    const third = (await refresh(t, second.refresh)).json<Pair>();

    const replay = await refresh(t, first.refresh);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'token_not_valid' });
    // The thief's copy and the owner's newest token are both dead now.
    expect((await refresh(t, third.refresh)).statusCode).toBe(401);
    const verify = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/verify/',
      payload: { token: third.refresh },
      auth: false,
    });
    expect(verify.statusCode).toBe(401);

    // Another sign-in (another family) is unaffected.
    const other = await loginPair(t, u.username);
    expect((await refresh(t, other.refresh)).statusCode).toBe(200);
  });

  it('refuse access tokens, garbage and tokens of another tenant', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const u = await newUser(a);
    const pair = await loginPair(a, u.username);
    expect((await refresh(a, pair.access)).statusCode).toBe(401);
    expect((await refresh(a, 'not-a-token')).statusCode).toBe(401);
    expect((await refresh(b, pair.refresh)).statusCode).toBe(401);
    // The refusals above did not use it up.
    expect((await refresh(a, pair.refresh)).statusCode).toBe(200);
  });

  it('expire after REFRESH_TOKEN_LIFETIME', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 7 * 86400 * 1000 + 5000);
    expect((await refresh(t, pair.refresh)).statusCode).toBe(401);
  });

  it('stop working for a user who was deactivated', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    await t.request({ method: 'PATCH', url: `/api/v1/users/${u.id}/`, payload: { is_active: false } });
    expect((await refresh(t, pair.refresh)).statusCode).toBe(401);
    expect((await me(t, pair.access)).statusCode).toBe(401);
  });
});

describe('token verify', () => {
  it('answers 200 {} for a valid access or live refresh token and 401 otherwise', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    const verify = (token: string, on = t) =>
      on.request({ method: 'POST', url: '/api/v1/auth/token/verify/', payload: { token }, auth: false });
    const ok = await verify(pair.access);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({});
    expect((await verify(pair.refresh)).statusCode).toBe(200);
    expect((await verify('abc.def.ghi')).statusCode).toBe(401);
    expect((await verify(pair.access, other)).statusCode).toBe(401);
    await refresh(t, pair.refresh);
    expect((await verify(pair.refresh)).statusCode).toBe(401);
  });
});

describe('logout', () => {
  it('revokes the refresh token', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      payload: { refresh: pair.refresh },
      token: pair.access,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ message: 'Successfully logged out' });
    expect((await refresh(t, pair.refresh)).statusCode).toBe(401);
  });

  it('accepts a request without a body (nothing to revoke)', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/logout/', token: pair.access });
    expect(res.statusCode).toBe(200);
    expect((await refresh(t, pair.refresh)).statusCode).toBe(200);
  });

  it('needs a signed-in user and refuses someone else’s refresh token', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const v = await newUser(t);
    const mine = await loginPair(t, u.username);
    const theirs = await loginPair(t, v.username);
    const anonymous = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      payload: { refresh: mine.refresh },
      auth: false,
    });
    expect(anonymous.statusCode).toBe(401);
    const foreign = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      payload: { refresh: theirs.refresh },
      token: mine.access,
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toHaveProperty('refresh');
    expect((await refresh(t, theirs.refresh)).statusCode).toBe(200);
    expect((await refresh(t, mine.refresh)).statusCode).toBe(200);
  });
});

describe('logout everywhere', () => {
  const logoutAll = (t: TestTenant, token?: string) =>
    t.request({ method: 'POST', url: '/api/v1/auth/logout/all/', ...(token ? { token } : { auth: false }) });

  it('revokes every refresh token of the user, and only theirs', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const u = await newUser(t);
    const v = await newUser(t);
    // The same username in another tenant is another person.
    const { database } = await getApp();
    await createUser(database.db, other.id, { username: u.username, password: PASSWORD });

    const laptop = await loginPair(t, u.username);
    const phone = await loginPair(t, u.username);
    const rotated = (await refresh(t, phone.refresh)).json<Pair>();
    const colleague = await loginPair(t, v.username);
    const namesake = await loginPair(other, u.username);

    const res = await logoutAll(t, laptop.access);
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    for (const token of [laptop.refresh, rotated.refresh]) {
      expect((await refresh(t, token)).statusCode).toBe(401);
      const verify = await t.request({
        method: 'POST',
        url: '/api/v1/auth/token/verify/',
        payload: { token },
        auth: false,
      });
      expect(verify.statusCode).toBe(401);
    }
    expect((await refresh(t, colleague.refresh)).statusCode).toBe(200);
    expect((await refresh(other, namesake.refresh)).statusCode).toBe(200);
    // Signing in again starts a session that works.
    const again = await loginPair(t, u.username);
    expect((await refresh(t, again.refresh)).statusCode).toBe(200);
  });

  it('needs a signed-in user of this tenant', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    expect((await logoutAll(t)).statusCode).toBe(401);
    expect((await logoutAll(t, pair.refresh)).statusCode).toBe(401);
    expect((await logoutAll(other, pair.access)).statusCode).toBe(401);
    // None of the refusals revoked anything.
    expect((await refresh(t, pair.refresh)).statusCode).toBe(200);
  });
});

describe('password change', () => {
  const change = (t: TestTenant, token: string, payload: Record<string, string>) =>
    t.request({ method: 'POST', url: '/api/v1/auth/password/change/', payload, token });

  it('names the field at fault', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const { access } = await loginPair(t, u.username);
    const wrongOld = await change(t, access, {
      old_password: 'wrong-old-password',
      new_password: 'brand-new-secret-1',
      new_password2: 'brand-new-secret-1',
    });
    expect(wrongOld.statusCode).toBe(400);
    expect(Object.keys(wrongOld.json())).toEqual(['old_password']);
    const mismatch = await change(t, access, {
      old_password: PASSWORD,
      new_password: 'brand-new-secret-1',
      new_password2: 'brand-new-secret-2',
    });
    expect(mismatch.statusCode).toBe(400);
    expect(Object.keys(mismatch.json())).toEqual(['new_password2']);
    for (const weak of ['short', '1234567890', 'password', u.username]) {
      const res = await change(t, access, { old_password: PASSWORD, new_password: weak, new_password2: weak });
      expect(res.statusCode, weak).toBe(400);
      expect(Object.keys(res.json()), weak).toEqual(['new_password']);
    }
    // None of the refusals changed anything.
    expect((await login(t, u.username, PASSWORD)).statusCode).toBe(200);
  });

  it('replaces the password and ends the sessions of the old one', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const elsewhere = await loginPair(t, u.username);
    const { access } = await loginPair(t, u.username);
    const res = await change(t, access, {
      old_password: PASSWORD,
      new_password: 'brand-new-secret-1',
      new_password2: 'brand-new-secret-1',
    });
    expect(res.statusCode).toBe(200);
    expect((await login(t, u.username, PASSWORD)).statusCode).toBe(401);
    expect((await login(t, u.username, 'brand-new-secret-1')).statusCode).toBe(200);
    expect((await refresh(t, elsewhere.refresh)).statusCode).toBe(401);
  });

  it('throttles guesses of the old password', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const { access } = await loginPair(t, u.username);
    const body = (old: string) => ({ old_password: old, new_password: 'brand-new-2', new_password2: 'brand-new-2' });
    for (let i = 0; i < 5; i++) expect((await change(t, access, body(`guess-${i}`))).statusCode).toBe(400);
    const blocked = await change(t, access, body(PASSWORD));
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});

describe('access tokens', () => {
  async function control(t: TestTenant) {
    const { config } = await getApp();
    const u = await newUser(t);
    const now = Math.floor(Date.now() / 1000);
    const claims = { token_type: 'access', user_id: u.id, tid: t.id, jti: randomUUID(), iat: now, exp: now + 600 };
    return { secret: config.secretKey, claims };
  }

  it('are accepted when signed HS256 with the server key (control for the refusals below)', async () => {
    const t = await createTestTenant();
    const { secret, claims } = await control(t);
    expect((await me(t, forge({ alg: 'HS256', typ: 'JWT' }, claims, secret))).statusCode).toBe(200);
  });

  it('are refused when signed with alg none, HS512 or another secret', async () => {
    const t = await createTestTenant();
    const { secret, claims } = await control(t);
    const forged = [
      forge({ alg: 'none', typ: 'JWT' }, claims, secret),
      forge({ alg: 'HS512', typ: 'JWT' }, claims, secret),
      forge({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-long-enough-0123456789'),
    ];
    for (const token of forged) {
      const res = await me(t, token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'token_not_valid' });
    }
  });

  it('are refused once expired', async () => {
    const t = await createTestTenant();
    const { secret, claims } = await control(t);
    const past = { ...claims, iat: claims.iat - 3600, exp: claims.iat - 60 };
    expect((await me(t, forge({ alg: 'HS256', typ: 'JWT' }, past, secret))).statusCode).toBe(401);
  });

  it('expire after ACCESS_TOKEN_LIFETIME', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const { access } = await loginPair(t, u.username);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 899_000);
    expect((await me(t, access)).statusCode).toBe(200);
    vi.setSystemTime(Date.now() + 2_000);
    expect((await me(t, access)).statusCode).toBe(401);
  });

  it('take their lifetime from the configuration', async () => {
    const { database } = await getApp();
    const app = await buildTestApp(database, { ACCESS_TOKEN_LIFETIME: '2m' });
    try {
      const t = await createTestTenant();
      const u = await newUser(t);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/token/',
        headers: { host: t.host },
        payload: { username: u.username, password: PASSWORD },
      });
      const claims = decode(res.json<Pair>().access);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    } finally {
      await app.close();
    }
  });

  it('must be access tokens: a refresh token as Bearer is refused', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const pair = await loginPair(t, u.username);
    expect((await me(t, pair.refresh)).statusCode).toBe(401);
    expect((await me(t, pair.access)).statusCode).toBe(200);
  });

  it('carry tenant and user: claims naming another tenant or a missing user are refused', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const { secret, claims } = await control(t);
    const header = { alg: 'HS256', typ: 'JWT' };
    expect((await me(t, forge(header, { ...claims, tid: other.id }, secret))).statusCode).toBe(401);
    expect((await me(t, forge(header, { ...claims, user_id: randomUUID() }, secret))).statusCode).toBe(401);
    const { token_type: _, ...untyped } = claims;
    expect((await me(t, forge(header, untyped, secret))).statusCode).toBe(401);
  });

  it('need the Bearer scheme; no credentials is 401 with WWW-Authenticate', async () => {
    const t = await createTestTenant();
    const u = await newUser(t);
    const { access } = await loginPair(t, u.username);
    const none = await t.request({ method: 'GET', url: '/api/v1/auth/user/', auth: false });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({ detail: 'Authentication credentials were not provided.' });
    const basic = await t.request({
      method: 'GET',
      url: '/api/v1/auth/user/',
      auth: false,
      headers: { authorization: `Basic ${access}` },
    });
    expect(basic.statusCode).toBe(401);
    const lower = await t.request({
      method: 'GET',
      url: '/api/v1/auth/user/',
      auth: false,
      headers: { authorization: `bearer ${access}` },
    });
    expect(lower.statusCode).toBe(200);
  });
});

describe('self-registration', () => {
  async function registrationApp() {
    const { database } = await getApp();
    return buildTestApp(database, { ALLOW_REGISTRATION: 'true' });
  }

  it('is 404 unless ALLOW_REGISTRATION=true, whatever the body', async () => {
    const t = await createTestTenant();
    for (const payload of [
      { username: 'newbie', password: 'a-good-passphrase', password2: 'a-good-passphrase' },
      { username: 'x' },
      {},
    ]) {
      const res = await t.request({ method: 'POST', url: '/api/v1/auth/register/', payload, auth: false });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ detail: 'Not found.' });
    }
    expect((await login(t, 'newbie', 'a-good-passphrase')).statusCode).toBe(401);
  });

  it('creates a member who can sign in when enabled', async () => {
    const app = await registrationApp();
    try {
      const t = await createTestTenant();
      const post = (payload: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/api/v1/auth/register/', headers: { host: t.host }, payload });
      const res = await post({
        username: 'newbie',
        email: 'newbie@example.com',
        first_name: 'New',
        password: 'a-good-passphrase',
        password2: 'a-good-passphrase',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ username: 'newbie', email: 'newbie@example.com', first_name: 'New' });
      expect(res.body).not.toContain('a-good-passphrase');
      const signIn = await login(t, 'newbie', 'a-good-passphrase');
      expect(signIn.statusCode).toBe(200);
      expect(signIn.json().user.role).toBe('member');

      const mismatch = await post({ username: 'other', password: 'a-good-passphrase', password2: 'different-one' });
      expect(mismatch.statusCode).toBe(400);
      expect(Object.keys(mismatch.json())).toEqual(['password']);
      const taken = await post({ username: 'newbie', password: 'a-good-passphrase', password2: 'a-good-passphrase' });
      expect(taken.statusCode).toBe(400);
      expect(Object.keys(taken.json())).toEqual(['username']);
    } finally {
      await app.close();
    }
  });

  it('refuses weak passwords on password', async () => {
    const app = await registrationApp();
    try {
      const t = await createTestTenant();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register/',
        headers: { host: t.host },
        payload: { username: 'weakling', password: '12345', password2: '12345' },
      });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json())).toEqual(['password']);
    } finally {
      await app.close();
    }
  });
});
