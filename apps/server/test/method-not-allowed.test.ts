import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { allowHeader } from '../src/http/method-not-allowed.ts';
import { createTestTenant, getApp } from './helpers.ts';

type Method = NonNullable<InjectOptions['method']>;

function expect405(res: LightMyRequestResponse, method: string, allow: string) {
  expect(res.statusCode, `${method}: ${res.body}`).toBe(405);
  expect(res.headers.allow).toBe(allow);
  if (method !== 'HEAD')
    expect(res.json()).toEqual({ detail: `Method "${method}" not allowed.`, code: 'method_not_allowed' });
}

describe('a method a path does not have', () => {
  it('answers 405 with the methods it has in Allow', async () => {
    const t = await createTestTenant();
    const id = randomUUID();
    const cases: [Method, string, string][] = [
      ['PUT', '/api/v1/auth/token/', 'POST'],
      ['GET', '/api/v1/auth/token/', 'POST'],
      ['DELETE', '/api/v1/collectors/', 'GET, HEAD, POST'],
      ['POST', `/api/v1/collectors/${id}/`, 'GET, HEAD, PUT, PATCH, DELETE'],
      ['GET', '/api/v1/register/', 'POST'],
      ['HEAD', '/api/v1/metrics/', 'POST'],
      ['GET', '/v1/trickle', 'POST'],
      ['DELETE', '/api/v1/tenant/', 'GET, HEAD, PATCH'],
      ['PATCH', '/health/', 'GET, HEAD'],
      ['POST', '/install.sh', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) expect405(await t.request({ method, url, auth: false }), method, allow);
  });

  it('agrees with the OpenAPI document on every documented path', async () => {
    const t = await createTestTenant();
    const doc = (await t.request({ method: 'GET', url: '/api/v1/schema/', auth: false })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      const has = new Set(Object.keys(ops).map((m) => m.toUpperCase()));
      const allow = allowHeader(has);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        if (has.has(method)) continue;
        expect405(await t.request({ method, url, auth: false }), method, allow);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('is told before credentials, media type or body are looked at', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/summary/',
      payload: '<not>json',
      headers: { 'content-type': 'application/xml', authorization: 'Bearer not-a-token' },
      auth: false,
    });
    expect405(res, 'POST', 'GET, HEAD');
  });

  it('leaves unknown hosts, unknown paths, HEAD of a GET and CORS preflight as they were', async () => {
    const { app } = await getApp();
    const t = await createTestTenant();
    const stranger = await app.inject({ method: 'PUT', url: '/api/v1/auth/token/', headers: { host: 'nobody.test' } });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ code: 'unknown_host' });
    for (const [method, url] of [
      ['POST', '/api/v1/no-such-thing/'],
      ['DELETE', '/servers'],
      ['POST', '/api/docs/static/nothing-here.css'],
    ] as const)
      expect((await t.request({ method, url, auth: false })).statusCode, `${method} ${url}`).toBe(404);
    const head = await t.request({ method: 'HEAD', url: '/health/', auth: false });
    expect(head.statusCode).toBe(200);
    // No CORS origin configured here: preflight is refused as before, not turned into a 405.
    const options = await t.request({ method: 'OPTIONS', url: '/api/v1/collectors/', auth: false });
    expect(options.statusCode).toBe(404);
  });
});
