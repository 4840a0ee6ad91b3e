import { randomUUID } from 'node:crypto';
import type { BenchmarkRun } from '@xat/contracts';
import { summarize } from '@xat/stats';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../test/helpers.ts';
import { benchmarkRuns, benchmarks } from '../../db/schema.ts';
import { storeBenchmarkRun } from './benchmark-runs.service.ts';
import { around, figuresAt, suiteResult, uploadResult } from './test-results.ts';

const url = '/api/v1/benchmark-runs/';

describe('storing benchmark runs', () => {
  it('judges again on the server: an agent claiming valid with a 30 % spread is stored invalid', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t, { name: 'noisy' });
    // Copy GB/s over three repeats: 7, 10, 13 → CV = 30 % (mean 10, s = 3).
    const spread = [7, 10, 13];
    const figures = { ...figuresAt(1, ['memory']), 'memory.copy_gbps_all': spread };
    const stored = await uploadResult(t, c.api_key, suiteResult(figures, { claim: 'valid' }));
    const run = (await t.request({ method: 'GET', url: `${url}${stored.id}/`, auth: 'viewer' })).json<BenchmarkRun>();

    const cv = summarize(spread).cv_pct;
    expect(cv).toBeCloseTo(30, 6);
    expect(run.validity).toBe('invalid');
    const memory = run.benchmarks.find((b) => b.name === 'memory');
    expect(memory).toMatchObject({ validity: 'invalid', agent_validity: 'valid' });
    // The server's own summary, not the agent's claimed cv 0.
    expect(memory?.metrics['memory.copy_gbps_all']).toMatchObject({ n: 3, median: 10, values: spread });
    expect(memory?.metrics['memory.copy_gbps_all']?.cv_pct).toBeCloseTo(cv ?? 0, 9);
    expect(run.validity_reasons).toContainEqual(
      expect.objectContaining({ code: 'run_spread', severity: 'invalid', limit: 20 }),
    );
    expect(run.validity_reasons.find((r) => r.code === 'run_spread')?.value).toBeCloseTo(cv ?? 0, 9);
    expect(run.validity_reasons[0]?.message).toMatch(
      /^memory: memory\.copy_gbps_all varied 30 % between repeats, past 20 %\.$/,
    );

    // The same figures within 1 % are valid.
    const calm = await uploadResult(t, c.api_key, suiteResult(figuresAt(1, ['memory']), { claim: 'invalid' }));
    const calmRun = (await t.request({ method: 'GET', url: `${url}${calm.id}/` })).json<BenchmarkRun>();
    expect(calmRun.validity).toBe('valid');
    expect(calmRun.benchmarks[0]).toMatchObject({ validity: 'valid', agent_validity: 'invalid', validity_reasons: [] });

    // Steal of 12 % in the disk repeats: invalid by the load test's limit (10 %), whatever the agent says.
    const stolen = await uploadResult(
      t,
      c.api_key,
      suiteResult(figuresAt(1, ['disk']), { conditions: { disk: { steal_pct: 12 } } }),
    );
    const stolenRun = (await t.request({ method: 'GET', url: `${url}${stolen.id}/` })).json<BenchmarkRun>();
    expect(stolenRun.validity).toBe('invalid');
    expect(stolenRun.validity_reasons.map((r) => r.code)).toEqual(['steal']);
  });

  it('stores a run from a job with a seed benchmark row (source pcc) and lists, filters and deletes it', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createCollector(t, { name: 'a' });
    const b = await createCollector(t, { name: 'b' });
    const jobId = randomUUID();
    const finishedAt = new Date('2025-03-04T05:06:07.000Z');
    const id = await storeBenchmarkRun(
      database.db,
      t.id,
      a.id,
      jobId,
      suiteResult(figuresAt(1), { finishedAt, profile: 'standard' }),
    );
    const [row] = await database.db
      .select()
      .from(benchmarkRuns)
      .where(and(eq(benchmarkRuns.tenantId, t.id), eq(benchmarkRuns.id, id)));
    expect(row).toMatchObject({ collectorId: a.id, jobId, profile: 'standard', validity: 'valid' });
    const [seed] = await database.db
      .select()
      .from(benchmarks)
      .where(and(eq(benchmarks.tenantId, t.id), eq(benchmarks.runId, id)));
    expect(seed).toMatchObject({
      source: 'pcc',
      status: 'completed',
      benchmarkType: 'standard',
      name: 'standard 2025-03-04 05:04',
      durationSeconds: 120,
      collectorId: a.id,
    });
    expect(seed?.endTime?.toISOString()).toBe(finishedAt.toISOString());

    await uploadResult(t, b.api_key, suiteResult(figuresAt(2), { profile: 'quick' }));
    const invalid = await uploadResult(
      t,
      b.api_key,
      suiteResult({ 'memory.read_gbps_1t': [5, 10, 15] }, { profile: 'quick' }),
    );

    const list = async (query = '') => {
      const res = await t.request({ method: 'GET', url: `${url}${query}`, auth: 'viewer' });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ count: number; results: BenchmarkRun[] }>();
    };
    expect((await list()).count).toBe(3);
    const ofA = await list(`?collector_id=${a.id}`);
    expect(ofA.results.map((r) => r.id)).toEqual([id]);
    expect(ofA.results[0]).toMatchObject({ job_id: jobId, benchmark_id: seed?.id, collector_name: 'a' });
    expect((await list('?profile=quick')).count).toBe(2);
    expect((await list('?validity=invalid')).results.map((r) => r.id)).toEqual([invalid.id]);
    expect((await list('?page_size=1')).results).toHaveLength(1);

    expect((await t.request({ method: 'DELETE', url: `${url}${id}/`, auth: 'viewer' })).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `${url}${id}/`, auth: 'member' })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `${url}${id}/` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/benchmarks/${seed?.id}/` })).statusCode).toBe(404);
    expect((await list()).count).toBe(2);
  });

  it('answers 404 for another tenant’s run, and refuses a user token on the agent upload', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const c = await createCollector(t);
    const run = await uploadResult(t, c.api_key, suiteResult(figuresAt(1)));
    for (const method of ['GET', 'DELETE'] as const)
      expect((await other.request({ method, url: `${url}${run.id}/` })).statusCode, method).toBe(404);
    expect((await other.request({ method: 'GET', url })).json().count).toBe(0);
    expect((await t.request({ method: 'GET', url: `${url}${run.id}/` })).statusCode).toBe(200);
    // The collector's key on another tenant's host is no key there.
    const foreign = await other.request({
      method: 'POST',
      url,
      auth: false,
      headers: { 'x-api-key': c.api_key },
      payload: suiteResult(figuresAt(1)),
    });
    expect(foreign.statusCode).toBe(401);
    const asUser = await t.request({ method: 'POST', url, payload: suiteResult(figuresAt(1)) });
    expect(asUser.statusCode).toBe(401);
  });

  it('names the bad field in a 400, never a 500', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const c = await createCollector(t);
    const post = (payload: unknown) =>
      t.request({ method: 'POST', url, auth: false, headers: { 'x-api-key': c.api_key }, payload: payload as object });
    const good = suiteResult({ 'memory.read_gbps_1t': around(10) });

    const { record: _record, ...noRecord } = good;
    const missing = await post(noRecord);
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json())).toEqual(['record']);

    const badName = await post({ ...good, benchmarks: [{ ...good.benchmarks[0], name: 'gpu' }] });
    expect(badName.statusCode).toBe(400);
    expect(Object.keys(badName.json())).toEqual(['benchmarks.0.name']);

    const backwards = await post({ ...good, finished_at: '2020-01-01T00:00:00Z' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toEqual({ finished_at: ['Must not be before started_at.'] });

    const twice = await post({ ...good, benchmarks: [good.benchmarks[0], good.benchmarks[0]] });
    expect(twice.statusCode).toBe(400);
    expect(Object.keys(twice.json())).toEqual(['benchmarks.1.name']);

    // The job path checks the same way.
    await expect(
      storeBenchmarkRun(database.db, t.id, c.id, null, { ...good, profile: 7 } as never),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    expect((await t.request({ method: 'GET', url: `${url}not-a-uuid/` })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: `${url}?validity=great` })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url })).json().count).toBe(0);
  });
});
