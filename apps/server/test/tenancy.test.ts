import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { tenants } from '../src/db/schema.ts';
import {
  DEFAULT_DOMAINS,
  DEFAULT_TENANT_NAME,
  DomainTakenError,
  ensureTenant,
  findTenantByDomain,
  findTenantByName,
  listDomainsOfTenant,
} from '../src/modules/tenants/tenants.queries.ts';
import { createUser } from '../src/modules/users/users.service.ts';
import { createCollector, createTestTenant, getApp, PASSWORD, type TestTenant, testConfig } from './helpers.ts';

const slug = () => randomUUID().slice(0, 8);

async function defaultTenant() {
  const { database } = await getApp();
  return (
    (await findTenantByDomain(database.db, 'localhost')) ??
    (await ensureTenant(database.db, DEFAULT_TENANT_NAME, DEFAULT_DOMAINS))
  );
}

async function signIn(app: TestTenant['app'], host: string, username: string, password = PASSWORD) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/token/', headers: { host }, payload: { username, password } });
}

const whoAmI = (app: TestTenant['app'], host: string, token: string) =>
  app.inject({ method: 'GET', url: '/api/v1/auth/user/', headers: { host, authorization: `Bearer ${token}` } });

describe('tenant of a request', () => {
  it('is the tenant owning the Host, with or without port and in any case', async () => {
    const t = await createTestTenant();
    const token = await t.token('viewer');
    for (const host of [t.host, `${t.host}:8000`, t.host.toUpperCase(), `${t.host}.`]) {
      const res = await whoAmI(t.app, host, token);
      expect(res.statusCode, host).toBe(200);
    }
  });

  it('is nobody for an unknown host: 404 JSON, even for public endpoints', async () => {
    const { app } = await getApp();
    for (const [method, url] of [
      ['GET', '/api/v1/'],
      ['POST', '/api/v1/auth/token/'],
      ['GET', '/api/v1/collectors/'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: { host: `nobody-${slug()}.test` },
        payload: method === 'POST' ? { username: 'a', password: 'b' } : undefined,
      });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ code: 'unknown_host' });
    }
  });

  it('is the default tenant for localhost, 127.0.0.1, ::1, ALLOWED_HOSTS and PUBLIC_URL’s host', async () => {
    const { database } = await getApp();
    const tenant = await defaultTenant();
    const username = `dflt-${slug()}`;
    await createUser(database.db, tenant.id, { username, password: PASSWORD, role: 'viewer' });
    const app = await buildApp({
      config: testConfig({
        ALLOWED_HOSTS: 'xat.example.com, Other.Example.org',
        PUBLIC_URL: 'https://pub.example.net:8443',
      }),
      database,
      logger: false,
    });
    try {
      const res = await signIn(app, 'localhost:8000', username);
      expect(res.statusCode).toBe(200);
      const { access } = res.json<{ access: string }>();
      for (const host of [
        'localhost',
        '127.0.0.1:8000',
        '[::1]:8000',
        'xat.example.com',
        'other.example.org',
        'pub.example.net',
      ]) {
        expect((await whoAmI(app, host, access)).statusCode, host).toBe(200);
      }
      expect((await whoAmI(app, `elsewhere-${slug()}.test`, access)).statusCode).toBe(404);
      // ALLOWED_HOSTS belongs to that app's configuration only.
      const plain = (await getApp()).app;
      expect((await whoAmI(plain, 'xat.example.com', access)).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('follows X-Forwarded-Host only behind a trusted proxy', async () => {
    const t = await createTestTenant();
    const token = await t.token('viewer');
    const headers = {
      host: `upstream-${slug()}.internal`,
      'x-forwarded-host': t.host,
      authorization: `Bearer ${token}`,
    };
    const untrusted = await t.app.inject({ method: 'GET', url: '/api/v1/auth/user/', headers });
    expect(untrusted.statusCode).toBe(404);
    const { database } = await getApp();
    const app = await buildApp({ config: testConfig({ TRUST_PROXY: 'true' }), database, logger: false });
    try {
      const trusted = await app.inject({ method: 'GET', url: '/api/v1/auth/user/', headers });
      expect(trusted.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('is refused when the tenant is inactive', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const other = `off-${slug()}.test`;
    const off = await ensureTenant(database.db, `off-${slug()}`, [other]);
    await database.db.update(tenants).set({ isActive: false }).where(eq(tenants.id, off.id));
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/', headers: { host: other } });
    expect(res.statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/v1/', auth: false })).statusCode).toBe(200);
  });
});

describe('isolation between tenants', () => {
  it('refuses a token on another tenant’s host with 401', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const token = await a.token('admin');
    for (const url of ['/api/v1/auth/user/', '/api/v1/users/', '/api/v1/collectors/']) {
      const res = await b.request({ method: 'GET', url, token });
      expect(res.statusCode, url).toBe(401);
    }
    expect((await a.request({ method: 'GET', url: '/api/v1/users/', token })).statusCode).toBe(200);
  });

  it('keeps usernames per tenant: the same name in two tenants, each signing in to its own', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const create = (t: TestTenant, password: string) =>
      t.request({ method: 'POST', url: '/api/v1/users/', payload: { username: 'alice', password, role: 'member' } });
    const inA = await create(a, 'alice-in-tenant-a');
    const inB = await create(b, 'alice-in-tenant-b');
    expect(inA.statusCode).toBe(201);
    expect(inB.statusCode).toBe(201);
    expect(inA.json().id).not.toBe(inB.json().id);

    const loginA = await signIn(a.app, a.host, 'alice', 'alice-in-tenant-a');
    const loginB = await signIn(b.app, b.host, 'alice', 'alice-in-tenant-b');
    expect(loginA.json().user.id).toBe(inA.json().id);
    expect(loginB.json().user.id).toBe(inB.json().id);
    expect((await signIn(a.app, a.host, 'alice', 'alice-in-tenant-b')).statusCode).toBe(401);
    expect((await signIn(b.app, b.host, 'alice', 'alice-in-tenant-a')).statusCode).toBe(401);
    expect((await whoAmI(b.app, b.host, loginA.json().access)).statusCode).toBe(401);
  });

  it('shows each tenant only its own collectors', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const mine = await createCollector(a, { name: 'only-in-a' });
    const list = await b.request({ method: 'GET', url: '/api/v1/collectors/' });
    expect(list.json().count).toBe(0);
    expect(list.body).not.toContain(mine.id);
    expect((await a.request({ method: 'GET', url: '/api/v1/collectors/' })).json().count).toBe(1);
  });
});

describe('ensureTenant', () => {
  it('is idempotent: same tenant, no duplicated domains, first domain primary', async () => {
    const { database } = await getApp();
    const name = `idem-${slug()}`;
    const domains = [`${name}.test`, `WWW.${name}.test`];
    const first = await ensureTenant(database.db, name, domains);
    const again = await ensureTenant(database.db, name, domains);
    expect(again).toEqual(first);
    expect(await listDomainsOfTenant(database.db, first.id)).toEqual([
      { domain: `${name}.test`, isPrimary: true },
      { domain: `www.${name}.test`, isPrimary: false },
    ]);
    const grown = await ensureTenant(database.db, name, [`api.${name}.test`]);
    expect(grown.id).toBe(first.id);
    expect((await listDomainsOfTenant(database.db, first.id)).map((d) => d.domain).sort()).toEqual(
      [`${name}.test`, `api.${name}.test`, `www.${name}.test`].sort(),
    );
    expect((await listDomainsOfTenant(database.db, first.id)).filter((d) => d.isPrimary)).toHaveLength(1);
  });

  it('refuses a domain of another tenant and creates nothing', async () => {
    const { database } = await getApp();
    const owner = await createTestTenant();
    const name = `thief-${slug()}`;
    await expect(ensureTenant(database.db, name, [`${name}.test`, owner.host])).rejects.toBeInstanceOf(
      DomainTakenError,
    );
    expect(await findTenantByName(database.db, name)).toBeUndefined();
    expect(await findTenantByDomain(database.db, `${name}.test`)).toBeUndefined();
    expect((await findTenantByDomain(database.db, owner.host))?.id).toBe(owner.id);
  });
});
