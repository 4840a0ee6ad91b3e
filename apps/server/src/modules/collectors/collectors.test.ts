import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant } from '../../../test/helpers.ts';

describe('collectors', () => {
  it('creates a collector, shows its key once and an install command', async () => {
    const t = await createTestTenant();
    const res = await t.request({ method: 'POST', url: '/api/v1/collectors/', payload: { name: 'web-server-01' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.api_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.install_command).toBe(`curl -fsSL http://${t.host}/install.sh | API_KEY=${body.api_key} bash`);
    expect(body.status).toBe('pending');
    expect(body.specs_summary).toBe('Specs pending');

    const got = await t.request({ method: 'GET', url: `/api/v1/collectors/${body.id}/` });
    expect(got.statusCode).toBe(200);
    expect(got.json().name).toBe('web-server-01');
    expect(got.body).not.toContain(body.api_key);
    const list = await t.request({ method: 'GET', url: '/api/v1/collectors/' });
    expect(list.json()).toMatchObject({ count: 1, next: null, previous: null });
    expect(list.body).not.toContain(body.api_key);
    expect(list.body).not.toContain('api_key');
  });

  it('refuses a duplicate name with 400 on name', async () => {
    const t = await createTestTenant();
    await createCollector(t, { name: 'dup' });
    const res = await t.request({ method: 'POST', url: '/api/v1/collectors/', payload: { name: 'dup' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ name: ['A collector with this name already exists.'] });
  });

  it('answers 404 for another tenant’s collector on every route', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { id } = await createCollector(a);
    for (const [method, url] of [
      ['GET', `/api/v1/collectors/${id}/`],
      ['PATCH', `/api/v1/collectors/${id}/`],
      ['PUT', `/api/v1/collectors/${id}/`],
      ['DELETE', `/api/v1/collectors/${id}/`],
      ['POST', `/api/v1/collectors/${id}/regenerate-key/`],
    ] as const) {
      const res = await b.request({
        method,
        url,
        payload: method === 'PUT' || method === 'PATCH' ? { name: 'x' } : undefined,
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await a.request({ method: 'GET', url: `/api/v1/collectors/${id}/` })).statusCode).toBe(200);
  });

  it('names every bad field in one 400', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: { name: 'x'.repeat(101), vcpus: 'four', vm_brand: 'ibm', hourly_cost: -1 },
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['hourly_cost', 'name', 'vcpus', 'vm_brand']);
  });
});
