import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CollectorCreateSchema, RegisterSchema } from '@xat/contracts';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { formToBody } from '../src/http/form-body.ts';
import { createCollector, createTestTenant, fixturePath, PASSWORD, type TestTenant } from './helpers.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(name, v);
  return params.toString();
};

async function signInByForm(t: TestTenant) {
  const username = `form-${randomUUID().slice(0, 6)}`;
  await t.token('admin'); // a first admin, so the one below is not alone
  const created = await t.request({ method: 'POST', url: '/api/v1/users/', payload: { username, password: PASSWORD } });
  expect(created.statusCode, created.body).toBe(201);
  return t.request({
    method: 'POST',
    url: '/api/v1/auth/token/',
    payload: form({ username, password: PASSWORD }),
    headers: FORM,
    auth: false,
  });
}

describe('form-encoded bodies', () => {
  it('sign in with a form, and a wrong password by form is refused as by JSON', async () => {
    const t = await createTestTenant();
    const res = await signInByForm(t);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toHaveProperty('access');
    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/',
      payload: form({ username: 'nobody', password: 'wrong-password' }),
      headers: FORM,
      auth: false,
    });
    expect(wrong.statusCode).toBe(401);
    const missing = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/',
      payload: form({ username: 'nobody' }),
      headers: FORM,
      auth: false,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ password: ['This field is required.'] });
  });

  it('creates a collector from a form, numbers from their text and an empty number as null', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: form({ name: 'form-web-01', vcpus: '8', memory_gib: '31.5', hourly_cost: '', storage_type: 'ssd' }),
      headers: FORM,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'form-web-01',
      vcpus: 8,
      memory_gib: 31.5,
      hourly_cost: null,
      storage_type: 'ssd',
    });
    expect(res.json().api_key).toMatch(/^[\w-]{43}$/);

    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: form({ name: 'form-web-02', vcpus: 'eight' }),
      headers: FORM,
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['vcpus']);
  });

  it('registers an agent from a form', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/register/',
      payload: form({
        hostname: 'form-host',
        vcpus: '4',
        effective_cpus: '2.5',
        memory_gib: '15.6',
        os_name: 'Debian',
      }),
      headers: { ...FORM, 'x-api-key': api_key },
      auth: false,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'registered', collector_id: id });
    const stored = (await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/` })).json();
    expect(stored).toMatchObject({ hostname: 'form-host', vcpus: 4, effective_cpus: 2.5, memory_gib: 15.6 });
  });

  it('regenerates a key with a form body, and takes a list field from repeated names', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t);
    const b = await createCollector(t);
    const regenerated = await t.request({
      method: 'POST',
      url: `/api/v1/collectors/${a.id}/regenerate-key/`,
      payload: form({ confirm: 'yes' }),
      headers: FORM,
    });
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    expect(regenerated.json().api_key).not.toBe(a.api_key);

    const compared = await t.request({
      method: 'POST',
      url: '/api/v1/loadtest/compare/',
      payload: form({ collector_ids: [a.id, b.id] }),
      headers: FORM,
    });
    expect(compared.statusCode, compared.body).toBe(200);
    expect(compared.json()).toHaveProperty('comparison');
  });

  it('stores a load test from a form', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/loadtest/',
      payload: form({ collector: id, units_10pct: '100', units_100pct: '1000', notes: 'by form' }),
      headers: FORM,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ collector: id, units_10pct: 100, units_100pct: 1000, notes: 'by form' });
  });

  it('imports a perfcpumeasure run from a form', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const content = readFileSync(fixturePath('loadtest', 'oci-2vcpu-training.ndjson'), 'utf8');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/loadtest/import/',
      payload: form({ collector: id, content, notes: 'imported by form' }),
      headers: FORM,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ collector: id, notes: 'imported by form' });
    expect(res.json().units_100pct).toBeGreaterThan(0);
  });

  it('reads a form as DRF does: empty values, checkboxes, single values of lists; __proto__ is no field', () => {
    expect(formToBody(CollectorCreateSchema, { name: '', vcpus: '', memory_gib: '', description: '' })).toEqual({
      name: '',
      vcpus: null,
      memory_gib: null,
      description: '',
    });
    // An optional choice (or number) that takes no null is left out when empty.
    expect(formToBody(RegisterSchema, { hostname: 'h', vcpus: '2', storage_type: '' })).toEqual({
      hostname: 'h',
      vcpus: 2,
    });
    const schema = Type.Object({
      on: Type.Optional(Type.Boolean()),
      ids: Type.Optional(Type.Array(Type.String())),
      n: Type.Optional(Type.Integer()),
    });
    expect(formToBody(schema, { on: 'on', ids: 'x', n: '' })).toEqual({ on: true, ids: ['x'] });
    // A required number left empty stays empty, so validation names it (converted it would pass as 0).
    expect(formToBody(Type.Object({ n: Type.Integer() }), { n: '' })).toEqual({ n: '' });
    const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "n": "3"}');
    const body = formToBody(schema, hostile);
    expect(body).toEqual({ n: 3 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
