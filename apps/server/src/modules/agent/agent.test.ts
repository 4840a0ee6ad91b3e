import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';

const FULL = {
  hostname: 'db-01.example.com',
  ip_address: '10.0.0.7',
  os_name: 'Ubuntu',
  os_version: '24.04',
  kernel_version: '6.8.0-45-generic',
  vm_brand: 'aws',
  processor_brand: 'amd',
  processor_model: 'AMD EPYC 9R14',
  vcpus: 8,
  memory_gib: '31.25',
  storage_gib: 500,
  storage_type: 'nvme',
};

const register = (t: TestTenant, apiKey: string, payload: Record<string, unknown>) =>
  t.request({ method: 'POST', url: '/api/v1/register/', auth: false, headers: { 'x-api-key': apiKey }, payload });

const collectorOf = async (t: TestTenant, id: string) =>
  (await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/` })).json();

describe('agent registration', () => {
  it('accepts the key in every header form the agents use', async () => {
    const t = await createTestTenant();
    const { id, api_key, name } = await createCollector(t);
    for (const headers of [
      { authorization: `ApiKey ${api_key}` },
      { authorization: `Bearer ${api_key}` },
      { 'x-api-key': api_key },
      { apikey: api_key },
    ]) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/register/',
        auth: false,
        headers,
        payload: { hostname: 'h1' },
      });
      expect(res.statusCode, `${Object.keys(headers)[0]}: ${res.body}`).toBe(200);
      expect(res.json()).toEqual({
        status: 'registered',
        collector_id: id,
        name,
        message: `Collector "${name}" registered from h1.`,
      });
    }
  });

  it('refuses keys in the URL, unknown keys, other tenants’ keys, user tokens and rotated keys', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { id, api_key } = await createCollector(a);

    const inUrl = await a.request({
      method: 'POST',
      url: `/api/v1/register/?api_key=${api_key}`,
      auth: false,
      payload: { hostname: 'h' },
    });
    expect(inUrl.statusCode).toBe(401);
    expect(inUrl.json().detail).toContain('"X-API-Key" header');

    const none = await a.request({ method: 'POST', url: '/api/v1/register/', auth: false, payload: { hostname: 'h' } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('ApiKey');

    const unknown = await register(a, 'x'.repeat(43), { hostname: 'h' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ detail: 'Invalid API key', code: 'authentication_failed' });

    expect((await register(b, api_key, { hostname: 'h' })).statusCode).toBe(401);

    // A person's token is not an agent key, even on an otherwise valid request (and before body validation).
    const jwt = await a.request({ method: 'POST', url: '/api/v1/register/', payload: { hostname: 'h' } });
    expect(jwt.statusCode).toBe(401);
    const jwtBadBody = await a.request({ method: 'POST', url: '/api/v1/register/', payload: { vcpus: 0 } });
    expect(jwtBadBody.statusCode).toBe(401);

    const rotated = await a.request({ method: 'POST', url: `/api/v1/collectors/${id}/regenerate-key/` });
    expect(rotated.statusCode).toBe(200);
    expect((await register(a, api_key, { hostname: 'h' })).statusCode).toBe(401);
    expect((await register(a, rotated.json().api_key, { hostname: 'h' })).statusCode).toBe(200);
  });

  it('stores the machine’s details and marks the collector connected', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    expect((await collectorOf(t, id)).status).toBe('pending');
    const before = Date.now();
    const res = await register(t, api_key, { ...FULL, agent_version: '2.1.0', extra: { nested: true } });
    expect(res.statusCode, res.body).toBe(200);
    const c = await collectorOf(t, id);
    expect(c).toMatchObject({
      status: 'connected',
      hostname: 'db-01.example.com',
      ip_address: '10.0.0.7',
      os_name: 'Ubuntu',
      os_version: '24.04',
      kernel_version: '6.8.0-45-generic',
      vm_brand: 'aws',
      processor_brand: 'amd',
      processor_model: 'AMD EPYC 9R14',
      vcpus: 8,
      memory_gib: 31.25,
      storage_gib: 500,
      storage_type: 'nvme',
      specs_summary: '8 vCPUs | 31.25 GiB RAM | AMD EPYC 9R14',
    });
    expect(Date.parse(c.last_seen)).toBeGreaterThanOrEqual(before - 1000);
    expect(c).not.toHaveProperty('agent_version');
  });

  it('keeps the fields a later registration leaves out', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    expect((await register(t, api_key, FULL)).statusCode).toBe(200);
    const res = await register(t, api_key, { hostname: 'db-01-renamed', ip_address: '2001:db8::7', vcpus: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(await collectorOf(t, id)).toMatchObject({
      hostname: 'db-01-renamed',
      ip_address: '2001:db8::7',
      vcpus: null,
      os_name: 'Ubuntu',
      vm_brand: 'aws',
      processor_brand: 'amd',
      processor_model: 'AMD EPYC 9R14',
      memory_gib: 31.25,
      storage_type: 'nvme',
    });
  });

  it('stores the effective CPUs our agent reports, and registers the original agent, which sends none', async () => {
    const t = await createTestTenant();
    const ours = await createCollector(t);
    expect((await register(t, ours.api_key, { ...FULL, vcpus: 2, effective_cpus: 0.5 })).statusCode).toBe(200);
    expect(await collectorOf(t, ours.id)).toMatchObject({ vcpus: 2, effective_cpus: 0.5 });
    // A later registration without the field (an older agent on the same machine) keeps what was measured.
    expect((await register(t, ours.api_key, { hostname: 'h' })).statusCode).toBe(200);
    expect((await collectorOf(t, ours.id)).effective_cpus).toBe(0.5);
    expect((await register(t, ours.api_key, { hostname: 'h', effective_cpus: null })).statusCode).toBe(200);
    expect((await collectorOf(t, ours.id)).effective_cpus).toBeNull();

    const goPcc = await createCollector(t);
    const res = await register(t, goPcc.api_key, FULL);
    expect(res.statusCode, res.body).toBe(200);
    expect(await collectorOf(t, goPcc.id)).toMatchObject({ status: 'connected', vcpus: 8, effective_cpus: null });

    for (const effective_cpus of [0, -1, 'half', 100_001]) {
      const bad = await register(t, ours.api_key, { hostname: 'h', effective_cpus });
      expect(bad.statusCode, String(effective_cpus)).toBe(400);
      expect(Object.keys(bad.json())).toEqual(['effective_cpus']);
    }
  });

  it('names every bad field in one 400 and changes nothing', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const keys = async (payload: Record<string, unknown>) => {
      const res = await register(t, api_key, payload);
      expect(res.statusCode, res.body).toBe(400);
      return Object.keys(res.json()).sort();
    };
    expect(await keys({ hostname: 'h', ip_address: 'not-an-ip', vcpus: 0, processor_brand: 'ibm' })).toEqual([
      'ip_address',
      'processor_brand',
      'vcpus',
    ]);
    expect(await keys({ memory_gib: '999999999999', os_version: 'v'.repeat(51) })).toEqual([
      'hostname',
      'memory_gib',
      'os_version',
    ]);
    expect(await keys({ hostname: '', storage_gib: -1, vm_brand: 'ibm', storage_type: 'tape' })).toEqual([
      'hostname',
      'storage_gib',
      'storage_type',
      'vm_brand',
    ]);
    const res = await register(t, api_key, { hostname: 'h'.repeat(256), processor_brand: 'ibm' });
    expect(res.json()).toEqual({
      hostname: ['Ensure this field has no more than 255 characters.'],
      processor_brand: ['Must be one of: intel, amd, arm, ampere, other, unknown.'],
    });
    expect(await collectorOf(t, id)).toMatchObject({ status: 'pending', hostname: '', processor_brand: 'unknown' });
  });
});
