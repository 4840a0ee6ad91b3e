import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import type { App } from '../../app-types.ts';

// /metrics and /health/?detail=true: the operator (METRICS_TOKEN or OPS_ALLOWED_IPS) sees the whole server, a
// tenant's admin only its own figures, anyone else nothing; unknown hosts 404 as for the API.

const METRICS_TOKEN = 'operator-metrics-token-0123456789abcdef';
let app: App;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  const { database } = await getApp();
  app = await buildTestApp(database, { METRICS_TOKEN, OPS_ALLOWED_IPS: '10.0.0.0/8, 2001:db8::/32' });
  await app.ready();
  // Tenants and tokens made on the shared app are good here: same database, same signing key.
  [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
});
afterAll(() => app?.close());

const get = (url: string, host: string, opts: Omit<InjectOptions, 'url' | 'method'> = {}) =>
  app.inject({ method: 'GET', url, ...opts, headers: { host, ...opts.headers } });
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe.each(['/metrics', '/health/?detail=true'])('%s', (url) => {
  it('answers 404 on an unknown host, whatever the credentials', async () => {
    for (const opts of [{}, bearer(METRICS_TOKEN), { remoteAddress: '10.1.2.3' }]) {
      const res = await get(url, `nobody-${randomUUID().slice(0, 8)}.test`, opts);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'unknown_host' });
    }
  });

  it('refuses anyone else: 401 without a token, 401 with a wrong or another tenant’s, 403 for a non-admin', async () => {
    expect((await get(url, a.host)).statusCode).toBe(401);
    expect((await get(url, a.host, bearer('not-the-metrics-token-0123456789abcdef'))).statusCode).toBe(401);
    expect((await get(url, a.host, bearer(await b.token('admin')))).statusCode).toBe(401);
    expect((await get(url, a.host, bearer(await a.token('viewer')))).statusCode).toBe(403);
    expect((await get(url, a.host, { remoteAddress: '192.168.1.9' })).statusCode).toBe(401);
  });

  it('opens to the metrics token, to an allowed address (IPv4, mapped IPv4, IPv6) and to the tenant’s admin', async () => {
    expect((await get(url, a.host, bearer(METRICS_TOKEN))).statusCode).toBe(200);
    for (const remoteAddress of ['10.1.2.3', '::ffff:10.9.9.9', '2001:db8::7'])
      expect((await get(url, a.host, { remoteAddress })).statusCode, remoteAddress).toBe(200);
    expect((await get(url, a.host, bearer(await a.token('admin')))).statusCode).toBe(200);
  });
});

describe('/metrics figures', () => {
  const count = (text: string, tenant: string) =>
    Number(
      new RegExp(
        `xat_http_request_duration_seconds_count\\{[^}]*route="/api/v1/"[^}]*tenant="${tenant}"[^}]*\\} (\\d+)`,
      ).exec(text)?.[1] ?? 0,
    );

  it('gives a tenant admin its own request counts only, and the operator every tenant’s, labelled', async () => {
    for (let i = 0; i < 3; i++) await get('/api/v1/', a.host);
    for (let i = 0; i < 2; i++) await get('/api/v1/', b.host);
    await get('/health/', '10.0.0.7');

    const own = await get('/metrics', a.host, bearer(await a.token('admin')));
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toMatch(/^text\/plain/);
    expect(own.body).toContain('# TYPE xat_http_request_duration_seconds histogram');
    expect(count(own.body, a.id)).toBe(3);
    expect(own.body).not.toContain(b.id);
    expect(own.body).not.toContain('tenant="none"');
    // Process figures (memory, Node version) are the operator's.
    expect(own.body).not.toMatch(/nodejs_version_info|process_resident_memory/);

    const all = await get('/metrics', a.host, bearer(METRICS_TOKEN));
    expect(count(all.body, a.id)).toBe(3);
    expect(count(all.body, b.id)).toBe(2);
    expect(all.body).toMatch(/xat_http_request_duration_seconds_count\{[^}]*route="\/health\/"[^}]*tenant="none"/);
    expect(all.body).toContain('xat_nodejs_version_info');
  });
});
