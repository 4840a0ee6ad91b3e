import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ensureTenant } from '../src/modules/tenants/tenants.queries.ts';
import { createUser } from '../src/modules/users/users.service.ts';
import { createCollector, createTestTenant, getApp, openTestDatabase, PASSWORD, testConfig } from './helpers.ts';

/** An error body a DRF client can show: `{detail, code}`, never a stack trace. */
function expectErrorBody(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(typeof body.detail).toBe('string');
  expect(typeof body.code).toBe('string');
  if (code) expect(body.code).toBe(code);
  expect(res.body).not.toMatch(/node_modules|\n\s+at |stack/);
}

describe('malformed requests', () => {
  it('answers broken JSON with 400 {detail, code}', async () => {
    const t = await createTestTenant();
    for (const url of ['/api/v1/users/', '/api/v1/auth/token/', '/api/v1/collectors/']) {
      const res = await t.request({
        method: 'POST',
        url,
        payload: '{"username": "x",',
        headers: { 'content-type': 'application/json' },
      });
      expectErrorBody(res, 400);
    }
  });

  it('answers an empty JSON body with 400 and a JSON null or array with field errors, not 500', async () => {
    const t = await createTestTenant();
    const empty = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/',
      payload: '',
      headers: { 'content-type': 'application/json' },
      auth: false,
    });
    expectErrorBody(empty, 400);
    for (const payload of ['null', '[]', '"text"', '42']) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/auth/token/',
        payload,
        headers: { 'content-type': 'application/json' },
        auth: false,
      });
      expect(res.statusCode, payload).toBe(400);
    }
  });

  it('answers an unsupported content type with 415 JSON', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: '<user><name>x</name></user>',
      headers: { 'content-type': 'application/xml' },
    });
    expectErrorBody(res, 415, 'unsupported_media_type');
    // A form is read as DRF reads it (test/form-body.test.ts): these credentials are checked, and wrong.
    const form = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/',
      payload: 'username=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      auth: false,
    });
    expectErrorBody(form, 401, 'no_active_account');
    const multipart = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nbob\r\n--x--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(multipart.statusCode).toBe(400);
    // Plain text is parsed as a string, which is no object: a validation error, not a crash.
    const text = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: 'username=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(400);
  });

  it('answers a body over 10 MB with 413 JSON', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: JSON.stringify({ name: 'big', description: 'x'.repeat(11 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(res, 413, 'payload_too_large');
  });

  it('refuses prototype pollution attempts with 400', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users/',
      payload: '{"username": "x", "password": "long-enough-1", "__proto__": {"role": "admin"}}',
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(res, 400);
  });
});

describe('validation', () => {
  it('names each field with a wrong type, unknown enum value or out-of-range number', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: { name: 42, vm_brand: 'ibm', vcpus: -2, hourly_cost: 'cheap' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<Record<string, string[]>>();
    expect(Object.keys(body).sort()).toEqual(['hourly_cost', 'name', 'vcpus', 'vm_brand']);
    for (const messages of Object.values(body)) {
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(typeof m).toBe('string');
    }
    expect(body.vm_brand?.[0]).toMatch(/^Must be one of: /);
    expect(body.name).toEqual(['Must be a string.']);
  });

  it('says what is wrong with a value of the right type that is out of range', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: { name: 'range', vcpus: 1e300, memory_gib: 1e300 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      vcpus: ['Ensure this value is less than or equal to 100000.'],
      memory_gib: ['Ensure this value is less than or equal to 99999999.99.'],
    });
    const zero = await t.request({ method: 'POST', url: '/api/v1/collectors/', payload: { name: 'zero', vcpus: 0 } });
    expect(zero.json()).toEqual({ vcpus: ['Ensure this value is greater than or equal to 1.'] });
    const word = await t.request({ method: 'POST', url: '/api/v1/collectors/', payload: { name: 'w', vcpus: 'four' } });
    expect(word.json()).toEqual({ vcpus: ['Must be integer or null.'] });
  });

  it('names bad query parameters', async () => {
    const t = await createTestTenant();
    const res = await t.request({ method: 'GET', url: '/api/v1/users/?page=0&page_size=1000' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['page', 'page_size']);
    const words = await t.request({ method: 'GET', url: '/api/v1/users/?page=two' });
    expect(words.statusCode).toBe(400);
    expect(Object.keys(words.json())).toEqual(['page']);
  });

  it('answers a malformed id with 400 on id and an unknown one with 404', async () => {
    const t = await createTestTenant();
    const bad = await t.request({ method: 'GET', url: '/api/v1/users/not-a-uuid/' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['id']);
    const unknown = await t.request({ method: 'GET', url: `/api/v1/users/${randomUUID()}/` });
    expectErrorBody(unknown, 404, 'not_found');
  });
});

describe('unknown routes', () => {
  it('answer 404 {"detail": "Not found."}', async () => {
    const t = await createTestTenant();
    for (const [method, url] of [
      ['GET', '/nope'],
      ['GET', '/api/v1/nope/'],
      ['POST', '/api/v1/nope/'],
    ] as const) {
      const res = await t.request({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.', code: 'not_found' });
    }
    // A path that exists, with a method it lacks: 405 (test/method-not-allowed.test.ts).
    for (const [method, url] of [
      ['DELETE', '/api/v1/'],
      ['POST', '/health/'],
    ] as const)
      expectErrorBody(await t.request({ method, url }), 405, 'method_not_allowed');
  });
});

describe('bad input never causes a 500', () => {
  it('survives hostile values everywhere', async () => {
    const t = await createTestTenant();
    const collector = await createCollector(t);
    const nul = 'a\u0000b';
    const cases: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; auth?: false }[] = [
      { method: 'POST', url: '/api/v1/auth/token/', payload: { username: nul, password: nul }, auth: false },
      {
        method: 'POST',
        url: '/api/v1/auth/token/',
        payload: { username: 'x'.repeat(10_000), password: 'y' },
        auth: false,
      },
      { method: 'POST', url: '/api/v1/auth/token/refresh/', payload: { refresh: nul }, auth: false },
      { method: 'POST', url: '/api/v1/auth/token/verify/', payload: { token: 'a.b.c' }, auth: false },
      {
        method: 'POST',
        url: '/api/v1/users/',
        payload: { username: 'ok', password: 'long-enough-1', first_name: nul },
      },
      { method: 'POST', url: '/api/v1/users/', payload: { username: 'ok2', password: `long-${nul}-enough` } },
      { method: 'POST', url: '/api/v1/users/', payload: { username: 'ok3', password: 'p'.repeat(5000) } },
      { method: 'POST', url: '/api/v1/users/', payload: { username: { $ne: null }, password: ['x'] } },
      { method: 'PATCH', url: `/api/v1/users/${randomUUID()}/`, payload: { role: null } },
      { method: 'POST', url: '/api/v1/collectors/', payload: { name: nul } },
      { method: 'PATCH', url: `/api/v1/collectors/${collector.id}/`, payload: { description: nul } },
      { method: 'GET', url: '/api/v1/collectors/?page=99999999999999999999&page_size=-1' },
      { method: 'GET', url: `/api/v1/collectors/?search=${encodeURIComponent(nul)}` },
      { method: 'GET', url: '/api/v1/users/%00/' },
      { method: 'GET', url: '/api/v1/users/%E0%A4%A/' },
      { method: 'DELETE', url: '/api/v1/users/00000000-0000-0000-0000-000000000000/' },
    ];
    for (const c of cases) {
      const res = await t.request({ ...c, payload: c.payload as Record<string, unknown> | undefined });
      expect(res.statusCode, `${c.method} ${c.url} ${JSON.stringify(c.payload)?.slice(0, 80)}`).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('survives odd credentials', async () => {
    const t = await createTestTenant();
    for (const authorization of [
      'Bearer',
      'Bearer ',
      'Bearer a.b.c',
      'Bearer ..',
      'Bearer eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.x',
      `Bearer ${'x'.repeat(8000)}`,
      'Basic dXNlcjpwYXNz',
      'Token abc',
    ]) {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/auth/user/',
        auth: false,
        headers: { authorization },
      });
      expect(res.statusCode, authorization.slice(0, 40)).toBe(401);
    }
    const apiKey = await t.request({
      method: 'GET',
      url: '/api/v1/users/',
      auth: false,
      headers: { 'x-api-key': 'k' },
    });
    expect(apiKey.statusCode).toBe(401);
  });

  it('answers a generic 500 without details when something really breaks', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({ config: testConfig(), database, logger: false });
    const host = `broken-${randomUUID().slice(0, 8)}.test`;
    await ensureTenant(database.db, `broken-${host}`, [host]);
    await database.close();
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/token/',
        headers: { host },
        payload: { username: 'a', password: 'b' },
      });
      expectErrorBody(res, 500, 'server_error');
      expect(res.json().detail).toBe('A server error occurred.');
    } finally {
      await app.close();
    }
  });
});

/** `{"a": … {"a": 1} …}` nested `levels` deep. */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** A multipart body whose closing boundary never comes. */
const UNCLOSED_MULTIPART =
  '--x\r\nContent-Disposition: form-data; name="file"; filename="run.csv"\r\nContent-Type: text/csv\r\n\r\na,b\r\n1,2';

describe('hostile bodies and paths answer 4xx JSON, never 500', () => {
  it('refuses a body nested deeper than the limit naming the field, and takes a deep but sane one', async () => {
    const t = await createTestTenant();
    const collector = await createCollector(t);
    const post = (url: string, body: string) =>
      t.request({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json' } });
    const deep = await post('/api/v1/loadtest/', `{"collector": "${collector.id}", "details": ${nested(10_000)}}`);
    expect(deep.statusCode, deep.body).toBe(400);
    expect(deep.json()).toEqual({ details: ['Nested deeper than 64 levels.'] });
    const list = await post('/api/v1/collectors/', `{"name": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(list.json()).toEqual({ name: ['Nested deeper than 64 levels.'] });
    const array = await post(
      '/api/v1/collectors/',
      nested(1_000)
        .replace(/^\{"a":/, '[')
        .replace(/\}$/, ']'),
    );
    expect(array.json()).toEqual({ non_field_errors: ['Nested deeper than 64 levels.'] });
    const sane = await post('/api/v1/loadtest/', `{"collector": "${collector.id}", "details": ${nested(50)}}`);
    expect(sane.statusCode, sane.body).toBe(201);
  });

  it('answers a multipart body whose boundary never closes with 400', async () => {
    const t = await createTestTenant();
    const collector = await createCollector(t);
    for (const url of [`/api/v1/collectors/${collector.id}/data/`, '/api/v1/loadtest/import/']) {
      const res = await t.request({
        method: 'POST',
        url,
        payload: UNCLOSED_MULTIPART,
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      });
      expectErrorBody(res, 400, 'parse_error');
      expect(res.json().detail, url).toMatch(/multipart/i);
    }
  });

  it('looks the tenant up for a percent-encoded API path: unknown hosts 404, known ones as the plain path', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    await createUser(database.db, t.id, { username: 'encoded', password: PASSWORD, role: 'viewer' });
    const signIn = (url: string, host: string, password = PASSWORD) =>
      t.app.inject({ method: 'POST', url, headers: { host }, payload: { username: 'encoded', password } });
    for (const url of ['/%61pi/v1/auth/token/', '/api/%761/auth/token/', '/%61%70%69/v1/auth/token/']) {
      for (const host of [`nobody-${randomUUID().slice(0, 8)}.test`, '10.1.2.3']) {
        const res = await signIn(url, host);
        expectErrorBody(res, 404, 'unknown_host');
      }
      expect((await signIn(url, t.host)).statusCode, url).toBe(200);
    }
    expectErrorBody(await signIn('/%61pi/v1/auth/token/', t.host, 'wrong-password'), 401);
    const token = await t.token('viewer');
    const other = await createTestTenant();
    const mine = await t.app.inject({
      method: 'GET',
      url: '/%61pi/v1/collectors/',
      headers: { host: t.host, authorization: `Bearer ${token}` },
    });
    expect(mine.statusCode).toBe(200);
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/%61pi/v1/collectors/',
      headers: { host: other.host, authorization: `Bearer ${token}` },
    });
    expect(theirs.statusCode).toBe(401);
    const trickle = await t.app.inject({ method: 'POST', url: '/%761/trickle', headers: { host: 'nobody.test' } });
    expectErrorBody(trickle, 404, 'unknown_host');
  });
});
