import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';

const url = '/api/v1/benchmarks/';

async function createBenchmark(t: TestTenant, body: Record<string, unknown>) {
  const res = await t.request({ method: 'POST', url, payload: { name: 'bench', ...body } });
  if (res.statusCode !== 201) throw new Error(`create benchmark failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string } & Record<string, unknown>>();
}

describe('benchmarks', () => {
  it('creates a benchmark with the reference defaults and shows it', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t, { name: 'db-01' });
    const res = await t.request({ method: 'POST', url, payload: { collector: c.id, name: '  nightly  ' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      collector: c.id,
      collector_name: 'db-01',
      name: 'nightly',
      benchmark_type: 'standard',
      status: 'pending',
      start_time: null,
      end_time: null,
      duration_seconds: null,
      cpu_score: null,
      overall_score: null,
      error_message: '',
      source: 'manual',
      run_id: null,
      score_baseline: null,
      score_shares: null,
    });
    expect(Object.keys(body).sort()).toEqual(
      [
        'id',
        'collector',
        'collector_name',
        'name',
        'benchmark_type',
        'status',
        'start_time',
        'end_time',
        'duration_seconds',
        'cpu_score',
        'memory_score',
        'disk_score',
        'network_score',
        'overall_score',
        'error_message',
        'source',
        'run_id',
        'score_baseline',
        'score_shares',
        'created_at',
        'updated_at',
      ].sort(),
    );

    const got = await t.request({ method: 'GET', url: `${url}${body.id}/`, auth: 'viewer' });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(body);
    const list = await t.request({ method: 'GET', url, auth: 'viewer' });
    expect(list.json()).toEqual({ count: 1, next: null, previous: null, results: [body] });
  });

  it('stores client-given status, times and scores', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const b = await createBenchmark(t, {
      collector: c.id,
      benchmark_type: 'cpu-only',
      status: 'completed',
      start_time: '2026-01-10T00:18:51Z',
      end_time: '2026-01-10T00:28:51.500Z',
      duration_seconds: 600,
      cpu_score: 81.5,
      memory_score: 0,
      disk_score: 100,
      error_message: 'none',
    });
    expect(b).toMatchObject({
      benchmark_type: 'cpu-only',
      status: 'completed',
      start_time: '2026-01-10T00:18:51.000Z',
      end_time: '2026-01-10T00:28:51.500Z',
      duration_seconds: 600,
      cpu_score: 81.5,
      memory_score: 0,
      disk_score: 100,
      network_score: null,
      error_message: 'none',
    });
  });

  it('filters by status and collector and pages', async () => {
    const t = await createTestTenant();
    const c1 = await createCollector(t);
    const c2 = await createCollector(t);
    const a = await createBenchmark(t, { collector: c1.id, name: 'a', status: 'completed' });
    const b = await createBenchmark(t, { collector: c1.id, name: 'b', status: 'failed' });
    const c = await createBenchmark(t, { collector: c2.id, name: 'c', status: 'completed' });

    const ids = async (query: string) => {
      const res = await t.request({ method: 'GET', url: `${url}${query}` });
      expect(res.statusCode, query).toBe(200);
      return res.json<{ results: { id: string }[] }>().results.map((r) => r.id);
    };
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('?status=completed')).toEqual([c.id, a.id]);
    expect(await ids(`?collector_id=${c1.id}`)).toEqual([b.id, a.id]);
    expect(await ids(`?collector_id=${c1.id}&status=completed`)).toEqual([a.id]);
    expect(await ids(`?collector_id=${randomUUID()}`)).toEqual([]);

    const page = await t.request({ method: 'GET', url: `${url}?page_size=2&status=completed` });
    expect(page.json()).toMatchObject({ count: 2, next: null });
    const first = await t.request({ method: 'GET', url: `${url}?page_size=2` });
    expect(first.json().count).toBe(3);
    expect(first.json().next).toBe(`http://${t.host}${url}?page_size=2&page=2`);
    const second = await t.request({ method: 'GET', url: `${url}?page_size=2&page=2` });
    expect(second.json().results.map((r: { id: string }) => r.id)).toEqual([a.id]);

    for (const query of ['?status=done', '?collector_id=nope', '?page_size=101', '?page=0']) {
      const res = await t.request({ method: 'GET', url: `${url}${query}` });
      expect(res.statusCode, query).toBe(400);
    }
    expect((await t.request({ method: 'GET', url: `${url}?status=done` })).json()).toHaveProperty('status');
  });

  it('patches, puts and deletes', async () => {
    const t = await createTestTenant();
    const c1 = await createCollector(t, { name: 'one' });
    const c2 = await createCollector(t, { name: 'two' });
    const b = await createBenchmark(t, { collector: c1.id, name: 'first', cpu_score: 10 });

    const patched = await t.request({
      method: 'PATCH',
      url: `${url}${b.id}/`,
      payload: { status: 'running', cpu_score: null, overall_score: 55.5 },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'first', status: 'running', cpu_score: null, overall_score: 55.5 });
    expect(Date.parse(patched.json().updated_at)).toBeGreaterThan(Date.parse(String(b.updated_at)));

    const put = await t.request({ method: 'PUT', url: `${url}${b.id}/`, payload: { collector: c2.id, name: 'moved' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ collector: c2.id, collector_name: 'two', name: 'moved', status: 'running' });

    const incomplete = await t.request({ method: 'PUT', url: `${url}${b.id}/`, payload: { name: 'x' } });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json()).toEqual({ collector: ['This field is required.'] });

    const fetched = await t.request({ method: 'GET', url: `${url}${b.id}/` });
    expect(fetched.json()).toMatchObject({ name: 'moved', collector: c2.id });

    const del = await t.request({ method: 'DELETE', url: `${url}${b.id}/` });
    expect(del.statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `${url}${b.id}/` })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `${url}${b.id}/` })).statusCode).toBe(404);
  });

  it('computes stats: counts per status and averages of completed benchmarks only, 1 dp', async () => {
    const t = await createTestTenant();
    const empty = await t.request({ method: 'GET', url: `${url}stats/`, auth: 'viewer' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({
      total: 0,
      by_status: { pending: 0, collecting: 0, running: 0, completed: 0, failed: 0, cancelled: 0 },
      avg_scores: {},
    });

    const c = await createCollector(t);
    const completed = { collector: c.id, status: 'completed' };
    await createBenchmark(t, { ...completed, cpu_score: 80, memory_score: 70.5, disk_score: 60, network_score: 50 });
    await createBenchmark(t, { ...completed, cpu_score: 90, memory_score: 71, disk_score: 61, overall_score: 72.5 });
    await createBenchmark(t, {
      ...completed,
      cpu_score: 85.5,
      memory_score: 70,
      disk_score: 62.4,
      network_score: 40,
      overall_score: 72,
    });
    // Not completed: their scores must not count.
    await createBenchmark(t, { collector: c.id, status: 'failed', cpu_score: 0, overall_score: 0 });
    await createBenchmark(t, { collector: c.id, status: 'running', cpu_score: 100 });
    await createBenchmark(t, { collector: c.id });
    await createBenchmark(t, { collector: c.id, status: 'cancelled' });

    const stats = await t.request({ method: 'GET', url: `${url}stats/` });
    expect(stats.json()).toEqual({
      total: 7,
      by_status: { pending: 1, collecting: 0, running: 1, completed: 3, failed: 1, cancelled: 1 },
      // cpu 85.166… → 85.2; disk 61.133… → 61.1; overall 72.25 → 72.2 (Python's round: ties to even)
      avg_scores: { cpu: 85.2, memory: 70.5, disk: 61.1, network: 45, overall: 72.2 },
    });

    // Another tenant's benchmarks are not counted.
    const other = await createTestTenant();
    await createBenchmark(other, { collector: (await createCollector(other)).id, status: 'completed', cpu_score: 1 });
    expect((await t.request({ method: 'GET', url: `${url}stats/` })).json().total).toBe(7);
  });

  it('gives null averages when completed benchmarks have no scores', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    await createBenchmark(t, { collector: c.id, status: 'completed' });
    const stats = await t.request({ method: 'GET', url: `${url}stats/` });
    expect(stats.json().avg_scores).toEqual({ cpu: null, memory: null, disk: null, network: null, overall: null });
  });

  it('answers 404 for another tenant’s benchmark on every item route', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ca = await createCollector(a);
    const cb = await createCollector(b);
    const bench = await createBenchmark(a, { collector: ca.id });
    for (const method of ['GET', 'PATCH', 'PUT', 'DELETE'] as const) {
      const payload =
        method === 'PUT' ? { collector: cb.id, name: 'x' } : method === 'PATCH' ? { name: 'x' } : undefined;
      const res = await b.request({ method, url: `${url}${bench.id}/`, payload });
      expect(res.statusCode, method).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.', code: 'not_found' });
    }
    expect((await b.request({ method: 'GET', url })).json().count).toBe(0);
    expect((await b.request({ method: 'GET', url: `${url}?collector_id=${ca.id}` })).json().count).toBe(0);
    const still = await a.request({ method: 'GET', url: `${url}${bench.id}/` });
    expect(still.json()).toMatchObject({ name: 'bench', status: 'pending' });
  });

  it('refuses another tenant’s or an unknown collector with 400 on collector', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ca = await createCollector(a);
    const cb = await createCollector(b);
    for (const id of [ca.id, randomUUID()]) {
      const res = await b.request({ method: 'POST', url, payload: { collector: id, name: 'x' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ collector: [`Invalid pk "${id}" - object does not exist.`] });
    }
    const own = await createBenchmark(b, { collector: cb.id });
    const moved = await b.request({ method: 'PATCH', url: `${url}${own.id}/`, payload: { collector: ca.id } });
    expect(moved.statusCode).toBe(400);
    expect(moved.json()).toEqual({ collector: [`Invalid pk "${ca.id}" - object does not exist.`] });
    expect((await b.request({ method: 'GET', url: `${url}${own.id}/` })).json().collector).toBe(cb.id);
    expect((await a.request({ method: 'GET', url })).json().count).toBe(0);
  });

  it('lets viewers read but not write', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const b = await createBenchmark(t, { collector: c.id });
    const writes = [
      { method: 'POST', url, payload: { collector: c.id, name: 'v' } },
      { method: 'PATCH', url: `${url}${b.id}/`, payload: { name: 'v' } },
      { method: 'PUT', url: `${url}${b.id}/`, payload: { collector: c.id, name: 'v' } },
      { method: 'DELETE', url: `${url}${b.id}/` },
    ] as const;
    for (const req of writes) {
      const res = await t.request({ ...req, auth: 'viewer' });
      expect(res.statusCode, req.method).toBe(403);
    }
    expect((await t.request({ method: 'GET', url: `${url}${b.id}/`, auth: 'viewer' })).json().name).toBe('bench');
    expect((await t.request({ method: 'GET', url, auth: false })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: `${url}stats/`, auth: false })).statusCode).toBe(401);
  });

  it('names every bad field in one 400, never a 500', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    // (TypeBox reports at most 8 issues per request and a nullable field costs 3, so two requests.)
    for (const [payload, fields] of [
      [
        { name: 'x'.repeat(201), status: 'done', cpu_score: 100.5, memory_score: -1 },
        ['cpu_score', 'memory_score', 'name', 'status'],
      ],
      [{ disk_score: 'high', duration_seconds: 1.5 }, ['disk_score', 'duration_seconds']],
      [{ start_time: 'yesterday', network_score: 1e9 }, ['network_score', 'start_time']],
    ] as const) {
      const res = await t.request({ method: 'POST', url, payload: { collector: c.id, ...{ name: 'x' }, ...payload } });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(res.json()).sort()).toEqual(fields);
    }
    for (const field of ['cpu_score', 'memory_score', 'disk_score', 'network_score', 'overall_score']) {
      for (const value of [-0.1, 100.01, '50', true]) {
        const res = await t.request({ method: 'POST', url, payload: { collector: c.id, name: 'x', [field]: value } });
        expect(res.statusCode, `${field}=${value}`).toBe(400);
        expect(Object.keys(res.json()), `${field}=${value}`).toEqual([field]);
      }
    }
    expect((await t.request({ method: 'GET', url })).json().count).toBe(0);

    const missing = await t.request({ method: 'POST', url, payload: {} });
    expect(missing.json()).toEqual({ collector: ['This field is required.'], name: ['This field is required.'] });
    const badId = await t.request({ method: 'POST', url, payload: { collector: 'not-a-uuid', name: 'x' } });
    expect(Object.keys(badId.json())).toEqual(['collector']);
    const blank = await t.request({
      method: 'POST',
      url,
      payload: { collector: c.id, name: '   ', benchmark_type: ' ' },
    });
    expect(blank.json()).toEqual({
      name: ['This field may not be blank.'],
      benchmark_type: ['This field may not be blank.'],
    });

    // Values the schema lets through but PostgreSQL (or Date) would refuse.
    const refused = await t.request({
      method: 'POST',
      url,
      payload: { collector: c.id, name: 'a\u0000b', error_message: '\u0000', end_time: '2026-12-31T23:59:60Z' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      name: ['Null characters are not allowed.'],
      error_message: ['Null characters are not allowed.'],
    });
    expect(Object.keys(refused.json()).sort()).toEqual(['end_time', 'error_message', 'name']);

    const b = await createBenchmark(t, { collector: c.id });
    const patch = await t.request({ method: 'PATCH', url: `${url}${b.id}/`, payload: { overall_score: 1000 } });
    expect(patch.statusCode).toBe(400);
    expect(Object.keys(patch.json())).toEqual(['overall_score']);
    expect((await t.request({ method: 'GET', url: `${url}not-a-uuid/` })).statusCode).toBe(400);
  });
});
