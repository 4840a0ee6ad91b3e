import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, PASSWORD, type TestTenant } from '../../../test/helpers.ts';
import { countAdmins, updateUser } from './users.queries.ts';
import { keepingAnAdmin } from './users.service.ts';

const login = (t: TestTenant, username: string, password: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/token/', payload: { username, password }, auth: false });

async function addUser(t: TestTenant, body: Record<string, unknown> = {}) {
  const username = `user-${randomUUID().slice(0, 8)}`;
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/users/',
    payload: { username, password: PASSWORD, role: 'member', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; username: string; role: string }>();
}

async function tokensOf(t: TestTenant, username: string, password = PASSWORD) {
  const res = await login(t, username, password);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ access: string; refresh: string }>();
}

async function myId(t: TestTenant, token?: string): Promise<string> {
  const res = await t.request({ method: 'GET', url: '/api/v1/auth/user/', ...(token ? { token } : {}) });
  return res.json<{ id: string }>().id;
}

describe('user management', () => {
  it('lets an admin create, list, read, change and delete users', async () => {
    const t = await createTestTenant();
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: {
        username: 'grace',
        email: 'grace@example.com',
        password: 'cobol-forever-1959',
        role: 'viewer',
        first_name: 'Grace',
        last_name: 'Hopper',
      },
    });
    expect(created.statusCode).toBe(201);
    const grace = created.json();
    expect(grace).toMatchObject({
      username: 'grace',
      email: 'grace@example.com',
      role: 'viewer',
      first_name: 'Grace',
      last_name: 'Hopper',
      is_active: true,
      last_login: null,
    });
    expect(created.body).not.toContain('cobol-forever-1959');
    expect(created.body).not.toMatch(/password|argon/);

    const list = await t.request({ method: 'GET', url: '/api/v1/users/' });
    expect(list.statusCode).toBe(200);
    expect(list.json().count).toBe(2); // the admin making the requests, and grace
    expect(list.json().results.map((u: { username: string }) => u.username)).toContain('grace');
    expect(list.body).not.toMatch(/password|argon/);

    const got = await t.request({ method: 'GET', url: `/api/v1/users/${grace.id}/` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(grace);

    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${grace.id}/`,
      payload: { role: 'member', last_name: 'Hopper-Murray' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ role: 'member', last_name: 'Hopper-Murray', first_name: 'Grace' });
    expect((await login(t, 'grace', 'cobol-forever-1959')).json().user.role).toBe('member');

    const deleted = await t.request({ method: 'DELETE', url: `/api/v1/users/${grace.id}/` });
    expect(deleted.statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `/api/v1/users/${grace.id}/` })).statusCode).toBe(404);
    expect((await login(t, 'grace', 'cobol-forever-1959')).statusCode).toBe(401);
  });

  it('pages the list with links on the tenant’s host', async () => {
    const t = await createTestTenant();
    await addUser(t);
    await addUser(t);
    const res = await t.request({ method: 'GET', url: '/api/v1/users/?page_size=2' });
    expect(res.json()).toMatchObject({
      count: 3,
      previous: null,
      next: `http://${t.host}/api/v1/users/?page_size=2&page=2`,
    });
    expect(res.json().results).toHaveLength(2);
    const last = await t.request({ method: 'GET', url: '/api/v1/users/?page_size=2&page=2' });
    expect(last.json()).toMatchObject({ count: 3, next: null, previous: `http://${t.host}/api/v1/users/?page_size=2` });
    expect(last.json().results).toHaveLength(1);
    expect((await t.request({ method: 'GET', url: '/api/v1/users/?page=9' })).statusCode).toBe(404);
  });

  it('is for admins only: members and viewers get 403, strangers 401', async () => {
    const t = await createTestTenant();
    const target = await addUser(t);
    const routes = [
      ['GET', '/api/v1/users/', undefined],
      ['POST', '/api/v1/users/', { username: `x-${randomUUID().slice(0, 6)}`, password: PASSWORD }],
      ['GET', `/api/v1/users/${target.id}/`, undefined],
      ['PATCH', `/api/v1/users/${target.id}/`, { role: 'admin' }],
      ['DELETE', `/api/v1/users/${target.id}/`, undefined],
    ] as const;
    for (const role of ['member', 'viewer'] as const) {
      for (const [method, url, payload] of routes) {
        const res = await t.request({ method, url, payload, auth: role });
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ code: 'permission_denied' });
      }
    }
    for (const [method, url, payload] of routes) {
      expect((await t.request({ method, url, payload, auth: false })).statusCode, `${method} ${url}`).toBe(401);
    }
    const still = await t.request({ method: 'GET', url: `/api/v1/users/${target.id}/` });
    expect(still.json().role).toBe('member');
  });

  it('checks permissions before validating the body', async () => {
    const t = await createTestTenant();
    const bad = { username: 'has space', password: '', role: 'root' };
    expect((await t.request({ method: 'POST', url: '/api/v1/users/', payload: bad, auth: false })).statusCode).toBe(
      401,
    );
    expect((await t.request({ method: 'POST', url: '/api/v1/users/', payload: bad, auth: 'viewer' })).statusCode).toBe(
      403,
    );
  });

  it('names every bad field in one 400', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: { username: 'has space', email: 'not-an-email', role: 'root', is_active: 'yes' },
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['email', 'is_active', 'password', 'role', 'username']);
    const weak = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: { username: 'ok', password: '123' },
    });
    expect(weak.statusCode).toBe(400);
    expect(Object.keys(weak.json())).toEqual(['password']);
  });

  it('refuses a taken username with 400 on username, on create and on rename', async () => {
    const t = await createTestTenant();
    const first = await addUser(t);
    const second = await addUser(t);
    const dup = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: { username: first.username, password: PASSWORD },
    });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ username: ['A user with that username already exists.'] });
    const rename = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${second.id}/`,
      payload: { username: first.username },
    });
    expect(rename.statusCode).toBe(400);
    expect(Object.keys(rename.json())).toEqual(['username']);
    const got = await t.request({ method: 'GET', url: `/api/v1/users/${second.id}/` });
    expect(got.json().username).toBe(second.username);
  });

  it('answers 404 for another tenant’s user on every route and leaves it alone', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const victim = await addUser(a);
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { role: 'viewer' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await b.request({ method, url: `/api/v1/users/${victim.id}/`, payload });
      expect(res.statusCode, method).toBe(404);
    }
    const got = await a.request({ method: 'GET', url: `/api/v1/users/${victim.id}/` });
    expect(got.json()).toMatchObject({ role: 'member', is_active: true });
    const list = await b.request({ method: 'GET', url: '/api/v1/users/' });
    expect(list.body).not.toContain(victim.id);
  });

  it('never demotes or deactivates the last active admin', async () => {
    const t = await createTestTenant();
    const me = await myId(t);
    for (const payload of [{ role: 'member' }, { role: 'viewer' }, { is_active: false }]) {
      const res = await t.request({ method: 'PATCH', url: `/api/v1/users/${me}/`, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toHaveProperty('role');
    }
    expect((await t.request({ method: 'GET', url: `/api/v1/users/${me}/` })).json()).toMatchObject({
      role: 'admin',
      is_active: true,
    });
    // With a second admin, stepping down is fine.
    await addUser(t, { role: 'admin' });
    const down = await t.request({ method: 'PATCH', url: `/api/v1/users/${me}/`, payload: { role: 'member' } });
    expect(down.statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/v1/users/' })).statusCode).toBe(403);
  });

  it('does not count an inactive admin as the last admin to protect', async () => {
    const t = await createTestTenant();
    const dormant = await addUser(t, { role: 'admin', is_active: false });
    const res = await t.request({ method: 'PATCH', url: `/api/v1/users/${dormant.id}/`, payload: { role: 'viewer' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().role).toBe('viewer');
  });

  it('keeps an admin when two admins are demoted at the same moment', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const db = database.db;
    const a = await addUser(t, { role: 'admin' });
    const b = await addUser(t, { role: 'admin' });
    await t.request({ method: 'PATCH', url: `/api/v1/users/${await myId(t)}/`, payload: { role: 'member' } });
    const refusal = () => new Error('last admin');
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let secondStarted = false;
    const first = keepingAnAdmin(db, t.id, refusal, async (tx) => {
      const row = await updateUser(tx, t.id, a.id, { role: 'member' });
      await gate;
      return row;
    });
    await sleep(100);
    const second = keepingAnAdmin(db, t.id, refusal, async (tx) => {
      secondStarted = true;
      return updateUser(tx, t.id, b.id, { role: 'member' });
    });
    await sleep(100);
    // The second demotion waits for the first to finish instead of counting admins that are about to go.
    expect(secondStarted).toBe(false);
    release();
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(await countAdmins(db, t.id)).toBe(1);
  });

  it('does not let an admin delete themself', async () => {
    const t = await createTestTenant();
    await addUser(t, { role: 'admin' });
    const me = await myId(t);
    const res = await t.request({ method: 'DELETE', url: `/api/v1/users/${me}/` });
    expect(res.statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: `/api/v1/users/${me}/` })).statusCode).toBe(200);
  });

  it('applies role changes, deactivation and password resets at once', async () => {
    const t = await createTestTenant();
    const u = await addUser(t, { role: 'admin' });
    const session = await tokensOf(t, u.username);
    const asUser = (token: string) => t.request({ method: 'GET', url: '/api/v1/users/', token });
    expect((await asUser(session.access)).statusCode).toBe(200);

    await t.request({ method: 'PATCH', url: `/api/v1/users/${u.id}/`, payload: { role: 'viewer' } });
    expect((await asUser(session.access)).statusCode).toBe(403);

    const reset = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${u.id}/`,
      payload: { password: 'reset-by-admin-42' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await login(t, u.username, PASSWORD)).statusCode).toBe(401);
    const fresh = await tokensOf(t, u.username, 'reset-by-admin-42');
    const refresh = (token: string) =>
      t.request({ method: 'POST', url: '/api/v1/auth/token/refresh/', payload: { refresh: token }, auth: false });
    expect((await refresh(session.refresh)).statusCode).toBe(401);

    await t.request({ method: 'PATCH', url: `/api/v1/users/${u.id}/`, payload: { is_active: false } });
    expect((await t.request({ method: 'GET', url: '/api/v1/auth/user/', token: fresh.access })).statusCode).toBe(401);
    expect((await refresh(fresh.refresh)).statusCode).toBe(401);
    expect((await login(t, u.username, 'reset-by-admin-42')).statusCode).toBe(401);

    const weak = await t.request({ method: 'PATCH', url: `/api/v1/users/${u.id}/`, payload: { password: 'abc' } });
    expect(weak.statusCode).toBe(400);
    expect(Object.keys(weak.json())).toEqual(['password']);
  });
});

describe('roles on the rest of the API', () => {
  it('lets viewers read everything in their tenant but write nothing', async () => {
    const t = await createTestTenant();
    const collector = await createCollector(t, { name: 'seen-by-viewer' });
    const list = await t.request({ method: 'GET', url: '/api/v1/collectors/', auth: 'viewer' });
    expect(list.statusCode).toBe(200);
    expect(list.json().count).toBe(1);
    const one = await t.request({ method: 'GET', url: `/api/v1/collectors/${collector.id}/`, auth: 'viewer' });
    expect(one.statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['POST', '/api/v1/collectors/', { name: 'viewer-made' }],
      ['PATCH', `/api/v1/collectors/${collector.id}/`, { name: 'renamed' }],
      ['DELETE', `/api/v1/collectors/${collector.id}/`, undefined],
      ['POST', `/api/v1/collectors/${collector.id}/regenerate-key/`, undefined],
    ] as const) {
      const res = await t.request({ method, url, payload, auth: 'viewer' });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const after = await t.request({ method: 'GET', url: `/api/v1/collectors/${collector.id}/` });
    expect(after.json().name).toBe('seen-by-viewer');
    expect((await t.request({ method: 'GET', url: '/api/v1/collectors/' })).json().count).toBe(1);
  });

  it('lets members write', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: { name: 'member-made' },
      auth: 'member',
    });
    expect(res.statusCode).toBe(201);
  });
});
